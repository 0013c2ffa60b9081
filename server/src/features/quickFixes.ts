// Quick fixes: a diagnostic's did-you-mean as an edit (an unknown ref, source, macro, var, column or YAML model name
// replaced by the known name its message suggests). Pure over a file's text and its diagnostics.
import type { ProjectDiagnostic } from '../project/types';

export interface QuickFix {
  title: string;
  /** The diagnostic it fixes. */
  diagnostic: ProjectDiagnostic;
  start: number;
  end: number;
  newText: string;
}

/**
 * The fixes of the diagnostics that touch [start, end) of `text`. A fix is offered only while the text at its
 * diagnostic still reads the name it replaces (diagnostics can be a keystroke behind the buffer); a qualified name
 * (`orders.amout`, `"orders"."amout"`, as DuckDB places a column error) has only its last part replaced.
 */
export function quickFixes(text: string, diagnostics: readonly ProjectDiagnostic[], start: number, end: number): QuickFix[] {
  const out: QuickFix[] = [];
  const seen = new Set<string>();
  for (const d of diagnostics) {
    const fix = d.fix;
    if (!fix || d.end < start || d.start > end) continue;
    const at = nameAt(text.slice(d.start, d.end), fix.replaces);
    if (!at) continue;
    const edit = { start: d.start + at.start, end: d.start + at.end };
    const key = `${edit.start}:${edit.end}:${fix.with}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ title: `Change '${fix.replaces}' to '${fix.with}'`, diagnostic: d, ...edit, newText: fix.with });
  }
  return out;
}

/** Where `name` is in `span`: all of it, or its last part after a dot (quoted or not). */
function nameAt(span: string, name: string): { start: number; end: number } | undefined {
  if (span === name) return { start: 0, end: span.length };
  const quoted = span.endsWith(`"${name}"`);
  const end = quoted ? span.length - 1 : span.length;
  const start = end - name.length;
  if (start <= 0 || span.slice(start, end) !== name) return undefined;
  const before = span.slice(0, quoted ? start - 1 : start);
  return before.endsWith('.') ? { start, end } : undefined;
}
