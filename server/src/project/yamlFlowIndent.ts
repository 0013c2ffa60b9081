// PyYAML (dbt's reader) accepts a flow collection whose continuation lines sit at or left of the key that opens it:
//   vars:
//    ids: [
//      'a',
//   ]
// The `yaml` library refuses it ("Flow sequence in block collection must be sufficiently indented") and loses the rest
// of the mapping. This indents such lines just enough for it and keeps a map back to the original offsets, so nodes
// still point at the user's text. Hand-written: a scan of brackets outside quotes and comments is all it takes.
import { visit, type Document } from 'yaml';

export interface Reindented {
  text: string;
  /** Spaces inserted, each at an offset of the original text (ascending). */
  insertions: Array<{ at: number; count: number }>;
}

/** The text with flow-collection continuation lines indented past their opener's line; undefined when none needs it. */
export function indentFlowContinuations(text: string): Reindented | undefined {
  const insertions: Reindented['insertions'] = [];
  let depth = 0;
  let openerIndent = 0;
  let quote: string | undefined;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (i === lineStart) {
      const indent = /^[ ]*/.exec(text.slice(i, i + 200))![0].length;
      if (depth > 0 && !quote && indent <= openerIndent) insertions.push({ at: i, count: openerIndent + 1 - indent });
      else if (depth === 0) openerIndent = indent;
    }
    if (c === '\n') {
      lineStart = i + 1;
      continue;
    }
    if (quote) {
      if (c === quote && !(quote === "'" && text[i + 1] === "'")) quote = undefined;
      else if (c === quote) i++;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if ((c === '"' || c === "'") && (depth > 0 || /[\s:[{,-]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  if (!insertions.length) return undefined;
  let out = '';
  let from = 0;
  for (const k of insertions) {
    out += text.slice(from, k.at) + ' '.repeat(k.count);
    from = k.at;
  }
  return { text: out + text.slice(from), insertions };
}

/** Moves every node's range of a document parsed from `r.text` back onto the original text. */
export function mapRangesBack(doc: Document, r: Reindented): void {
  const back = (offset: number) => {
    let shift = 0;
    for (const k of r.insertions) {
      const start = k.at + shift; // where this insertion's spaces begin in the reindented text
      if (offset < start) break;
      if (offset < start + k.count) return k.at;
      shift += k.count;
    }
    return offset - shift;
  };
  visit(doc, (_key, node) => {
    const n = node as { range?: [number, number, number] };
    if (n.range) n.range = [back(n.range[0]), back(n.range[1]), back(n.range[2])];
  });
}
