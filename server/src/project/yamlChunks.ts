// Splits a dbt YAML file at its top-level keys and at the items of its top-level lists (models:, sources:, …), so
// an edit re-parses only the item it touched. Only plain layouts are split; anything else returns undefined and
// the caller parses the whole file (anchors, tags, flow or inline lists, document markers, duplicate keys).
// Hand-written because no YAML library re-parses incrementally; each chunk is still parsed by js-yaml. Measured on an
// 822 KB schema.yml: edit p95 148 → 90 ms over LSP (test/bench/notes.md, `ls_schema_yaml_edit_p95_ms`).

export interface YamlChunk {
  /** The top-level key this chunk belongs to. */
  key: string;
  /** 'item': one `- ...` entry of a top-level list; 'value': a whole top-level key with its value. */
  kind: 'item' | 'value';
  start: number;
  end: number;
}

const TOP_KEY = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|\r?$)/;
const BARE_HEADER = /^[A-Za-z_][\w.-]*[ \t]*:[ \t]*(?:#.*)?\r?$/;
const BLANK_OR_COMMENT = /^[ \t]*(?:#.*)?\r?$/;

/** The chunks of `text`, in order and covering it from the first top-level key; undefined when it is not plain. */
export function splitTopLevel(text: string, listKeys: ReadonlySet<string>): YamlChunk[] | undefined {
  if (linked(text)) return undefined;
  const chunks: YamlChunk[] = [];
  const seen = new Set<string>();
  let at = 0;
  let list: { key: string; indent: string | undefined; item: YamlChunk | undefined } | undefined;
  let value: YamlChunk | undefined;
  const close = (end: number) => {
    if (value) value.end = end;
    if (list?.item) list.item.end = end;
    value = undefined;
    list = undefined;
  };
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const next = nl < 0 ? text.length : nl + 1;
    const line = text.slice(at, nl < 0 ? text.length : nl);
    const first = line.charCodeAt(0);
    const atColumn0 = line.length > 0 && first !== 0x20 && first !== 0x09 && first !== 0x23 /* # */ && first !== 0x0d;
    const dashAt0 = atColumn0 && isItem(line, '');
    if (atColumn0 && !dashAt0) {
      // A new top-level key (or something that is not plain YAML at column 0).
      const m = TOP_KEY.exec(line);
      if (!m || seen.has(m[1])) return undefined;
      seen.add(m[1]);
      close(at);
      if (listKeys.has(m[1])) {
        if (!BARE_HEADER.test(line)) return undefined;
        list = { key: m[1], indent: undefined, item: undefined };
      } else {
        value = { key: m[1], kind: 'value', start: at, end: text.length };
        chunks.push(value);
      }
    } else if (list) {
      if (list.indent === undefined && !BLANK_OR_COMMENT.test(line)) {
        list.indent = /^( *)-(?:[ \t]|\r?$)/.exec(line)?.[1];
        if (list.indent === undefined) return undefined;
      }
      if (list.indent !== undefined && isItem(line, list.indent)) {
        if (list.item) list.item.end = at;
        list.item = { key: list.key, kind: 'item', start: at, end: text.length };
        chunks.push(list.item);
      } else if (dashAt0) {
        return undefined; // a column-0 item in a list indented deeper
      }
    } else if (!value && !BLANK_OR_COMMENT.test(line)) {
      return undefined; // content before the first key: not a mapping at the top
    }
    at = next;
  }
  close(text.length);
  return chunks;
}

function isItem(line: string, indent: string): boolean {
  if (!line.startsWith(indent) || line.charCodeAt(indent.length) !== 0x2d /* - */) return false;
  const after = line.charCodeAt(indent.length + 1);
  return Number.isNaN(after) || after === 0x20 || after === 0x09 || after === 0x0d;
}

/**
 * Whether `text` may hold an `&anchor`, `*alias`, `!tag` or `<<` merge. An alias to another item already fails in
 * its chunk; this keeps every such file on the whole parse, so no item's meaning can depend on another's. A scan for
 * the three characters, then a look around each (3× faster than one regex with a lookbehind).
 */
function linked(text: string): boolean {
  const re = /[&*!]|<</g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '<<') return true;
    const before = m.index === 0 ? '\n' : text[m.index - 1];
    const after = text[m.index + 1];
    if (/[\s[{,:-]/.test(before) && after !== undefined && !/[\s,\]}]/.test(after)) return true;
  }
  return false;
}
