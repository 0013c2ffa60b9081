// Where the cursor is in a schema/source YAML file: the chain of enclosing keys and list items, and what is
// being typed on the cursor's line. A tolerant line scan, not a parse: mid-edit YAML is usually unparseable.

/** One step from the document root to the cursor: a mapping key, or a list item (with its `name:` if seen). */
export type YamlSegment = { kind: 'key'; key: string } | { kind: 'item'; name?: string; nameStart?: number; nameEnd?: number };

export interface YamlCursor {
  /** Enclosing segments, outermost first; ends with the cursor line's own list item when it starts with `- `. */
  path: YamlSegment[];
  /** The key on the cursor's line when the cursor is in its value (`name: stg_|`). */
  key?: string;
  /** The value (or key, or list scalar) under the cursor: its whole word and where it starts and ends. */
  word: string;
  wordStart: number;
  wordEnd: number;
  /** The line's text from the value start to the cursor (for `ref('` detection). */
  valueBefore: string;
  valueStart: number;
  /** What the cursor is on: a key's value, a bare word on its own line (a key being typed, or a list scalar). */
  on: 'value' | 'bare';
  /** Whether the cursor's line starts with `- `. */
  dash: boolean;
}

interface Line {
  indent: number;
  dash: boolean;
  dashCol: number;
  /** Column where the key (or scalar) starts, after any `- `. */
  keyCol: number;
  key?: string;
  value: string;
  valueStart: number;
}

const LINE = /^(\s*)(?:(-)(\s+|$))?(?:([^\s:#'"{}[\],][^:#]*?)\s*:(?:\s+|$))?(.*)$/;

function parseLine(text: string): Line | undefined {
  if (!text.trim() || text.trimStart().startsWith('#')) return undefined;
  const m = LINE.exec(text)!;
  const indent = m[1].length;
  const dash = m[2] !== undefined;
  const keyCol = indent + (dash ? 1 + m[3].length : 0);
  const valueStart = text.length - m[5].length;
  return { indent, dash, dashCol: indent, keyCol, key: m[4], value: m[5].replace(/\s+#.*$/, '').trim(), valueStart };
}

const nameValue = (v: string) => v.replace(/^['"]|['"]$/g, '');

/** The cursor's place in `text` at `offset`, or undefined on a comment or blank structure it cannot read. */
export function yamlCursorAt(text: string, offset: number): YamlCursor | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) lineEnd = text.length;
  const lineText = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  const col = offset - lineStart;
  const line = parseLine(lineText) ?? { indent: col, dash: false, dashCol: col, keyCol: col, value: '', valueStart: col };
  if (lineText.slice(0, col).includes('#') && /(^|\s)#/.test(lineText.slice(0, col))) return undefined;
  const inValue = line.key !== undefined && col >= line.valueStart;
  if (line.key !== undefined && !inValue && col > line.keyCol + line.key.length) return undefined;
  const isWord = (c: string | undefined) => !!c && /[\w.-]/.test(c);
  let s = col;
  let e = col;
  while (s > 0 && isWord(lineText[s - 1])) s--;
  while (e < lineText.length && isWord(lineText[e])) e++;
  const path = enclosing(text, lineStart, line, col);
  return {
    path,
    key: inValue ? line.key : undefined,
    word: lineText.slice(s, e),
    wordStart: lineStart + s,
    wordEnd: lineStart + e,
    valueBefore: inValue ? lineText.slice(line.valueStart, col) : lineText.slice(line.keyCol, col),
    valueStart: lineStart + (inValue ? line.valueStart : line.keyCol),
    on: inValue ? 'value' : 'bare',
    dash: line.dash,
  };
}

/** Walks up from the cursor's line collecting the keys and list items that contain it. */
function enclosing(text: string, lineStart: number, line: Line, col: number): YamlSegment[] {
  const segs: YamlSegment[] = [];
  // The mapping the cursor's line belongs to, and the `name:` seen among its keys.
  let pendingName: { name: string; start: number; end: number } | undefined;
  const noteName = (l: Line, start: number) => {
    if (l.key !== 'name' || !l.value) return;
    const name = nameValue(l.value);
    const nameStart = start + l.valueStart + (/^['"]/.test(l.value) ? 1 : 0);
    pendingName = { name, start: nameStart, end: nameStart + name.length };
  };
  noteName(line, lineStart);
  // Bare text at the cursor indentation counts from the cursor's column (the user may still be typing the indent).
  let cur = line.key === undefined && !line.dash ? { col: Math.min(line.keyCol, col), dash: false } : { col: line.dash ? line.dashCol : line.keyCol, dash: line.dash };
  if (line.dash) {
    segs.unshift(item(pendingName));
    pendingName = undefined;
  }
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const l = parseLine(text.slice(start, end).replace(/\r$/, ''));
    end = start - 1;
    if (!l) continue;
    if (cur.dash) {
      // Looking for the key that owns this list.
      if (l.keyCol > cur.col || (l.dash && l.dashCol === cur.col)) continue;
      if (!l.key || l.value) return segs;
      segs.unshift({ kind: 'key', key: l.key });
      if (l.dash) {
        segs.unshift(item(undefined));
        cur = { col: l.dashCol, dash: true };
      } else cur = { col: l.keyCol, dash: false };
    } else {
      if (l.keyCol > cur.col) continue;
      if (l.keyCol === cur.col) {
        noteName(l, start);
        if (l.dash) {
          segs.unshift(item(pendingName));
          pendingName = undefined;
          cur = { col: l.dashCol, dash: true };
        }
        continue;
      }
      if (!l.key || l.value) return segs;
      segs.unshift({ kind: 'key', key: l.key });
      pendingName = undefined;
      if (l.dash) {
        segs.unshift(item(undefined));
        cur = { col: l.dashCol, dash: true };
      } else cur = { col: l.keyCol, dash: false };
    }
    if (!cur.dash && cur.col === 0) break;
  }
  return segs;
}

function item(name: { name: string; start: number; end: number } | undefined): YamlSegment {
  return name ? { kind: 'item', name: name.name, nameStart: name.start, nameEnd: name.end } : { kind: 'item' };
}

/** The keys of `path` with list items written as `-`: `models.-.columns.-`. */
export function pathText(path: YamlSegment[]): string {
  return path.map((s) => (s.kind === 'key' ? s.key : '-')).join('.');
}
