// dbt's Jinja2 syntax that nunjucks' parser lacks, rewritten block by block before nunjucks sees it:
// trailing commas, `{% set ns.attr = v %}`, `{% test %}` blocks (dbt compiles them as `test_<name>` macros), and
// `{% materialization %}` blocks (adapter code Floe never runs). Offsets of everything outside a block are kept.
import { tokenize } from './tokens';
import { scanTemplate, type JinjaBlock, type ScannedTemplate } from './scanner';

/** The text of one block as nunjucks should read it. */
export function rewriteBlock(text: string, block: JinjaBlock): string {
  const original = text.slice(block.start, block.end);
  if (block.kind === 'comment') return original;
  const head = text.slice(block.start, block.contentStart);
  const tail = text.slice(block.contentEnd, block.end);
  let content = dropTrailingCommas(text, block.contentStart, block.contentEnd);
  if (block.kind === 'statement') {
    if (block.tag === 'test') content = content.replace(/^(\s*)test(\s+)/, '$1macro$2test_');
    else if (block.tag === 'endtest') content = content.replace(/endtest/, 'endmacro');
    else if (block.tag === 'set') content = setAttribute(content) ?? content;
  }
  return head + content + tail;
}

/** A whole file (macros, generic tests) as nunjucks should read it. */
export function toNunjucksSource(text: string, scan: ScannedTemplate = scanTemplate(text)): string {
  const out: string[] = [];
  let pos = 0;
  let skipUntil: string | undefined;
  for (const block of scan.blocks) {
    if (skipUntil) {
      if (block.kind === 'statement' && block.tag === skipUntil) { skipUntil = undefined; pos = block.end; }
      continue;
    }
    out.push(text.slice(pos, block.start));
    if (block.kind === 'statement' && block.tag === 'materialization') {
      skipUntil = 'endmaterialization';
      pos = block.end;
      continue;
    }
    out.push(rewriteBlock(text, block));
    pos = block.end;
  }
  if (!skipUntil) out.push(text.slice(pos));
  return out.join('');
}

/** `f(a, b,)`, `[a,]`, `{k: v,}`: the comma becomes a space, so offsets stay put. */
function dropTrailingCommas(text: string, start: number, end: number): string {
  const tokens = tokenize(text, start, end);
  let content = text.slice(start, end);
  for (let k = tokens.length - 2; k >= 0; k--) {
    const next = tokens[k + 1].value;
    if (tokens[k].type === 'op' && tokens[k].value === ',' && (next === ')' || next === ']' || next === '}')) {
      const at = tokens[k].start - start;
      content = content.slice(0, at) + ' ' + content.slice(at + 1);
    }
  }
  return content;
}

/** `set ns.x = v` → `do __floe_setattr(ns, 'x', v)` (nunjucks only sets plain names). */
function setAttribute(content: string): string | undefined {
  const m = /^(\s*)set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(content);
  if (!m) return undefined;
  return `${m[1]}do __floe_setattr(${m[2]}, '${m[3]}', ${m[4].trim()}) `;
}
