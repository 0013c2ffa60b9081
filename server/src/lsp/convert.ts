// The one place where project offsets and plain results become LSP protocol types.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, InsertTextFormat, SymbolKind, type CodeAction, type CompletionItem, type CompletionList, type Diagnostic, type DocumentSymbol, type Location as LspLocation, type Range as LspRange,
} from 'vscode-languageserver';
import { LineIndex } from '../project/lineIndex';
import type { ProjectDiagnostic, Location } from '../project/types';
import type { Completion, CompletionKind } from '../features/completion';
import type { DocumentSymbolInfo } from '../features/symbols';
import type { QuickFix } from '../features/quickFixes';
import type { ModelYamlEdit } from '../features/modelYaml';

const lineIndexes = new Map<string, { text: string; index: LineIndex }>();

/** Line index of a file's current text (cached while the text is unchanged). */
export function lineIndexOf(file: string, text: string): LineIndex {
  const cached = lineIndexes.get(file);
  if (cached && cached.text === text) return cached.index;
  const index = new LineIndex(text);
  lineIndexes.set(file, { text, index });
  return index;
}

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).toString();
}

export function toRange(index: LineIndex, start: number, end: number): LspRange {
  return { start: index.positionAt(start), end: index.positionAt(Math.max(start, end)) };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toDiagnostic(index: LineIndex, d: ProjectDiagnostic): Diagnostic {
  return { range: toRange(index, d.start, d.end), severity: SEVERITY[d.severity], code: d.code, source: 'floe', message: d.message };
}

/** A quick fix as a preferred code action (VS Code's Auto Fix applies it) editing the document at `uri`. */
export function toCodeAction(uri: string, index: LineIndex, fix: QuickFix): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(index, fix.diagnostic)],
    isPreferred: true,
    edit: { changes: { [uri]: [{ range: toRange(index, fix.start, fix.end), newText: fix.newText }] } },
  };
}

/** A model's new schema YAML entry as a refactoring: inserted into its file (`index`: that file's), or a file created. */
export function toYamlEntryAction(uri: string, index: LineIndex | undefined, add: ModelYamlEdit): CodeAction {
  const at = index ? index.positionAt(add.offset) : { line: 0, character: 0 };
  const insert = { range: { start: at, end: at }, newText: add.text };
  return {
    title: add.title,
    kind: CodeActionKind.Refactor,
    edit: add.create
      ? { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }, { textDocument: { uri, version: null }, edits: [insert] }] }
      : { changes: { [uri]: [insert] } },
  };
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  model: CompletionItemKind.Class, seed: CompletionItemKind.File, snapshot: CompletionItemKind.Class, source: CompletionItemKind.Module,
  table: CompletionItemKind.Struct, column: CompletionItemKind.Field, macro: CompletionItemKind.Function, var: CompletionItemKind.Variable,
  'config-key': CompletionItemKind.Property, 'config-value': CompletionItemKind.EnumMember, function: CompletionItemKind.Function, cte: CompletionItemKind.Reference,
};

/**
 * The completions as LSP items. `defaultRange`: the client takes an edit range shared by every item from a list's
 * itemDefaults (LSP 3.17), so a 4,500-model project's `ref('` answer does not repeat it 4,500 times (1.4 MB of JSON).
 */
/** The list parts a client takes once for all items (LSP 3.17 itemDefaults), as its capabilities say. */
export interface CompletionDefaults {
  editRange: boolean;
  data: boolean;
}

/** The `data` of an item whose detail and documentation completionItem/resolve gives (by its label). */
const LATER = 'later';

/** `incomplete`: the list is partial (cut, or columns still to come), so the client asks again as the user types. */
export function toCompletions(index: LineIndex, completions: Completion[], defaults: CompletionDefaults, incomplete = false): CompletionItem[] | CompletionList {
  const [first] = completions;
  const sharedRange = defaults.editRange && first && completions.every((c) => c.replaceStart === first.replaceStart && c.replaceEnd === first.replaceEnd);
  const sharedData = defaults.data && first && completions.every((c) => c.later);
  if (!sharedRange && !sharedData) {
    const items = completions.map((c) => toCompletionItem(index, c));
    return incomplete ? { isIncomplete: true, items } : items;
  }
  return {
    isIncomplete: incomplete,
    itemDefaults: { ...(sharedRange ? { editRange: toRange(index, first.replaceStart, first.replaceEnd) } : {}), ...(sharedData ? { data: LATER } : {}) },
    items: completions.map((c) => {
      const { textEdit, data, ...item } = toCompletionItem(index, c);
      const text = c.insertText ?? c.label;
      return { ...item, ...(sharedRange ? (text === c.label ? {} : { textEditText: text }) : { textEdit }), ...(sharedData ? {} : { data }) };
    }),
  };
}

export function toCompletionItem(index: LineIndex, c: Completion): CompletionItem {
  return {
    label: c.label,
    kind: COMPLETION_KIND[c.kind],
    ...toCompletionDetail(c),
    sortText: c.sortText,
    textEdit: { range: toRange(index, c.replaceStart, c.replaceEnd), newText: c.insertText ?? c.label },
    insertTextFormat: c.snippet ? InsertTextFormat.Snippet : undefined,
    data: c.later ? LATER : undefined,
  };
}

export function toCompletionDetail(c: Pick<Completion, 'detail' | 'documentation'>): Pick<CompletionItem, 'detail' | 'documentation'> {
  return { detail: c.detail, documentation: c.documentation ? { kind: 'markdown', value: c.documentation } : undefined };
}

/** Whether completionItem/resolve gives `item`'s detail and documentation (LSP lets a client resolve both lazily). */
export function isLater(item: CompletionItem): boolean {
  return item.data === LATER;
}

export function toLocation(location: Location, textOf: (file: string) => string | undefined, uriOf: (file: string) => string): LspLocation {
  const text = textOf(location.file) ?? '';
  return { uri: uriOf(location.file), range: toRange(lineIndexOf(location.file, text), location.start, location.end) };
}

const SYMBOL_KIND = { config: SymbolKind.Property, cte: SymbolKind.Struct, macro: SymbolKind.Function, model: SymbolKind.Class } as const;

export function toDocumentSymbol(index: LineIndex, s: DocumentSymbolInfo): DocumentSymbol {
  return { name: s.name, kind: SYMBOL_KIND[s.kind], detail: s.detail, range: toRange(index, s.start, s.end), selectionRange: toRange(index, s.selectionStart, s.selectionEnd) };
}
