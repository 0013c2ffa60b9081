// PyYAML's yaml.safe_dump(value, sort_keys=...) as dbt's `toyaml` calls it: block style, two-space indents, lists in a
// mapping not indented, scalars plain where PyYAML would read the text back as the same str (else single-quoted,
// double-quoted with escapes for tabs, control and non-ASCII characters), lines folded past 80 columns, `...` after a
// plain scalar at the root. Written here because the `yaml` package quotes otherwise (`y` and `n`, which PyYAML leaves
// plain; double quotes where PyYAML uses single ones), keeps non-ASCII characters and folds lines by its own rule.
// A list or dict met twice (the same object: `{'a': l, 'b': l}`, or one that holds itself) is written once with an
// anchor and then as an alias (`a: &id001` … `b: *id001`), numbered as PyYAML's serializer numbers them.
import { floatRepr, isFloat, plain } from './pyFloat';
import { dictEntries, pythonKey } from './pyDictKeys';
import { isTuple } from './pyTuple';
import { PYYAML_FLOAT, PYYAML_INT, pyYamlBool } from '../project/yamlFloats';

/** What PyYAML raises RepresenterError for (a value no safe YAML type holds); dbt's toyaml gives its default then. */
export class PyYamlRepresenterError extends Error {}

const WIDTH = 80;
const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = '\0 \t\r\n\x85\u2028\u2029';
const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\x08': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\x0c': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};
const TIMESTAMP = /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

type Style = 'plain' | 'single' | 'double';

/** yaml.safe_dump(value, sort_keys=sortKeys) of a Python value (dicts, lists, tuples, str, numbers, bools, None). */
export function pyYamlDump(value: unknown, options: { sortKeys?: boolean } = {}): string {
  const sortKeys = options.sortKeys === true;
  const w = new Writer(sortKeys, anchorsOf(value, sortKeys));
  w.root(value);
  return w.out;
}

/** A scalar's text as PyYAML's representer makes it, and whether it is a str (resolved back to str or not). */
function scalarText(v: unknown): { text: string; str: boolean } | undefined {
  if (v === null) return { text: 'null', str: false };
  if (v === true || v === false) return { text: String(v), str: false };
  if (typeof v === 'string') return { text: v, str: true };
  // an int past 2**53 (pyInt.ts)
  if (typeof v === 'bigint') return { text: String(v), str: false };
  if (typeof v === 'number' || isFloat(v)) {
    const n = plain(v) as number;
    if (!isFloat(v)) return { text: String(n), str: false };
    if (Number.isNaN(n)) return { text: '.nan', str: false };
    if (!Number.isFinite(n)) return { text: n > 0 ? '.inf' : '-.inf', str: false };
    const repr = floatRepr(n).toLowerCase();
    return { text: !repr.includes('.') && repr.includes('e') ? repr.replace('e', '.0e') : repr, str: false };
  }
  return undefined;
}

/** Whether PyYAML's resolver reads plain `text` as something other than a str (so a str must be quoted). */
function resolvesOtherwise(text: string): boolean {
  return pyYamlBool(text) !== undefined || PYYAML_INT.test(text) || PYYAML_FLOAT.test(text) || /^(?:~|null|Null|NULL|)$/.test(text)
    || TIMESTAMP.test(text) || text === '<<' || text === '=';
}

interface Analysis { empty: boolean; multiline: boolean; flowPlain: boolean; blockPlain: boolean; single: boolean }

/** PyYAML's Emitter.analyze_scalar, as far as block style uses it (allow_unicode off). */
function analyze(s: string): Analysis {
  if (s === '') return { empty: true, multiline: false, flowPlain: false, blockPlain: true, single: true };
  const chars = [...s];
  let flowIndicators = false, blockIndicators = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) flowIndicators = blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || SPACE_OR_BREAK.includes(chars[1]);
  let previousSpace = false, previousBreak = false;
  chars.forEach((ch, index) => {
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true;
      if (ch === '?' || ch === ':') { flowIndicators = true; if (followedByWhitespace) blockIndicators = true; }
      if (ch === '-' && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') { flowIndicators = true; if (followedByWhitespace) blockIndicators = true; }
      if (ch === '#' && precededByWhitespace) flowIndicators = blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    // every character outside printable ASCII (but \n) is special without allow_unicode
    if (!(ch === '\n' || (ch >= ' ' && ch <= '~'))) special = true;
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true; previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false; previousBreak = true;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWhitespace = SPACE_OR_BREAK.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[index + 2]);
  });
  let flowPlain = true, blockPlain = true, single = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = single = false;
  if (spaceBreak || special) flowPlain = blockPlain = single = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowIndicators) flowPlain = false;
  if (blockIndicators) blockPlain = false;
  return { empty: false, multiline: lineBreaks, flowPlain, blockPlain, single };
}

/** PyYAML's choose_scalar_style for a block-context scalar. */
function chooseStyle(text: string, str: boolean, simpleKey: boolean): Style {
  const a = analyze(text);
  const implicit = !str || !resolvesOtherwise(text);
  if (implicit && !(simpleKey && (a.empty || a.multiline)) && a.blockPlain) return 'plain';
  return a.single && !(simpleKey && a.multiline) ? 'single' : 'double';
}

/** A dict's entries in the order they are written (sorted by name with sort_keys). */
function entriesOf(dict: Record<string, unknown>, sortKeys: boolean): Array<[string, unknown]> {
  const entries = dictEntries(dict).filter(([k]) => k !== '__keywords');
  return sortKeys ? entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
}

/**
 * The anchor of each list or dict met more than once, as PyYAML's Serializer.anchor_node names them: walking the
 * value in the order it is written, `id001`, `id002`… in the order the second meetings come (not the first).
 */
function anchorsOf(root: unknown, sortKeys: boolean): Map<object, string> {
  const seen = new Set<object>();
  const anchors = new Map<object, string>();
  const visit = (v: unknown): void => {
    if (!Array.isArray(v) && !isDict(v)) return;
    if (seen.has(v)) {
      if (!anchors.has(v)) anchors.set(v, `id${String(anchors.size + 1).padStart(3, '0')}`);
      return;
    }
    // () is never aliased (SafeRepresenter.ignore_aliases), [] and {} are
    if (isTuple(v) && (v as unknown[]).length === 0) return;
    seen.add(v);
    if (Array.isArray(v)) v.forEach(visit);
    else for (const [, x] of entriesOf(v, sortKeys)) visit(x);
  };
  visit(root);
  return anchors;
}

class Writer {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  /** The anchored values written so far: met again, each is an alias. */
  private readonly written = new Set<object>();

  constructor(private readonly sortKeys: boolean, private readonly anchors: Map<object, string>) {}

  root(v: unknown): void {
    const scalar = this.scalarOf(v);
    if (scalar) {
      const style = chooseStyle(scalar.text, scalar.str, false);
      this.scalar(scalar.text, style, 2, true);
      this.lineBreak();
      if (style === 'plain') this.write('...\n');
      return;
    }
    const anchor = this.anchor(v);
    if (anchor) { this.write(anchor); this.lineBreak(); }
    this.collection(v, 0, false);
  }

  /** `&idNNN` when `v` is anchored (and marks it written), else ''. */
  private anchor(v: unknown): string {
    const name = this.anchors.get(v as object);
    if (!name) return '';
    this.written.add(v as object);
    return `&${name}`;
  }

  /** `*idNNN` when `v` is anchored and written already, else ''. */
  private alias(v: unknown): string {
    return this.written.has(v as object) ? `*${this.anchors.get(v as object)}` : '';
  }

  private scalarOf(v: unknown): { text: string; str: boolean } | undefined {
    const s = scalarText(v);
    if (s) return s;
    if (Array.isArray(v) || isDict(v)) return undefined;
    throw new PyYamlRepresenterError(`cannot represent an object: ${String(v)}`);
  }

  /** A list or dict whose first line starts at the column the writer is at (after `- ` or at a line's start). */
  private collection(v: unknown, indent: number, inline: boolean): void {
    if (Array.isArray(v)) this.sequence(v, indent, inline);
    else this.mapping(v as Record<string, unknown>, indent, inline);
  }

  private empty(v: unknown): string | undefined {
    if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
    return isDict(v) && dictEntries(v).every(([k]) => k === '__keywords') ? '{}' : undefined;
  }

  private sequence(items: unknown[], indent: number, inline: boolean): void {
    if (items.length === 0) { this.write('[]'); this.lineBreak(); return; }
    items.forEach((item, i) => {
      if (!(inline && i === 0)) this.pad(indent);
      this.write('-');
      this.whitespace = false;
      this.indention = false;
      this.value(item, indent, false);
    });
  }

  private mapping(dict: Record<string, unknown>, indent: number, inline: boolean): void {
    const entries = entriesOf(dict, this.sortKeys);
    if (entries.length === 0) { this.write('{}'); this.lineBreak(); return; }
    entries.forEach(([name, v], i) => {
      if (!(inline && i === 0)) this.pad(indent);
      const key = this.scalarOf(pythonKey(dict, name))!;
      const a = analyze(key.text);
      const simple = !a.empty && !a.multiline && [...key.text].length < 128;
      if (simple) {
        this.scalar(key.text, chooseStyle(key.text, key.str, true), indent + 2, false);
      } else {
        // a complex key: `? key` and `: value` on lines of their own, a list or dict value starting on the `:` line
        this.write('?');
        this.whitespace = false;
        this.scalar(key.text, chooseStyle(key.text, key.str, false), indent + 2, true);
        this.lineBreak();
        this.pad(indent);
      }
      this.write(':');
      this.whitespace = false;
      this.indention = false;
      this.value(v, indent, simple);
    });
  }

  /** A mapping's value (after a simple key: `inMapping`) or a list's item, after its `:` or `-`. */
  private value(v: unknown, indent: number, inMapping: boolean): void {
    const scalar = this.scalarOf(v);
    if (scalar) {
      this.scalar(scalar.text, chooseStyle(scalar.text, scalar.str, false), indent + 2, true);
      this.lineBreak();
      return;
    }
    const alias = this.alias(v);
    if (alias) { this.write(` ${alias}`); this.lineBreak(); return; }
    const anchor = this.anchor(v);
    const empty = this.empty(v);
    if (empty) { this.write(anchor ? ` ${anchor} ${empty}` : ` ${empty}`); this.lineBreak(); return; }
    if (anchor) {
      // an anchored list or dict starts on the line after its anchor (a list item's one indented)
      this.write(` ${anchor}`);
      this.lineBreak();
      this.collection(v, inMapping && Array.isArray(v) ? indent : indent + 2, false);
    } else if (inMapping) {
      this.lineBreak();
      // a list in a mapping is not indented; a mapping is
      this.collection(v, Array.isArray(v) ? indent : indent + 2, false);
    } else {
      this.write(' ');
      this.whitespace = true;
      this.collection(v, indent + 2, true);
    }
  }

  private pad(indent: number): void {
    if (indent > 0) this.write(' '.repeat(indent));
    this.whitespace = true;
    this.indention = true;
  }

  private write(s: string): void {
    this.out += s;
    const nl = s.lastIndexOf('\n');
    this.column = nl >= 0 ? [...s.slice(nl + 1)].length : this.column + [...s].length;
  }

  private lineBreak(br = '\n'): void {
    this.write(br);
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  /** Emitter.write_indent: to a new line at `indent` unless already there. */
  private writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  private indicator(text: string, needWhitespace: boolean): void {
    this.write(this.whitespace || !needWhitespace ? text : ` ${text}`);
    this.whitespace = false;
    this.indention = false;
  }

  /** A scalar in `style`, continuation lines at `indent`, folded past the width when `split`. */
  private scalar(text: string, style: Style, indent: number, split: boolean): void {
    if (style === 'plain') this.plain(text, indent, split);
    else if (style === 'single') this.singleQuoted(text, indent, split);
    else this.doubleQuoted(text, indent, split);
  }

  private plain(text: string, indent: number, split: boolean): void {
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    const chars = [...text];
    let spaces = false, start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && split) {
            this.writeIndent(indent);
            this.whitespace = false;
            this.indention = false;
          } else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  private singleQuoted(text: string, indent: number, split: boolean): void {
    this.indicator("'", true);
    const chars = [...text];
    let spaces = false, breaks = false, start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && split && start !== 0 && end !== chars.length) this.writeIndent(indent);
          else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) this.lineBreak(br);
          this.writeIndent(indent);
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || BREAKS.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  private doubleQuoted(text: string, indent: number, split: boolean): void {
    this.indicator('"', true);
    const chars = [...text];
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (ch === undefined || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !(ch >= ' ' && ch <= '~')) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== undefined) {
          const code = ch.codePointAt(0)!;
          const hex = (n: number) => code.toString(16).toUpperCase().padStart(n, '0');
          this.write(`\\${ESCAPES[ch] ?? (code <= 0xff ? `x${hex(2)}` : code <= 0xffff ? `u${hex(4)}` : `U${hex(8)}`)}`);
          start = end + 1;
        }
      }
      if (end > 0 && end < chars.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > WIDTH && split) {
        this.write(`${chars.slice(start, end).join('')}\\`);
        if (start < end) start = end;
        this.writeIndent(indent);
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }
}

function isDict(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(v, 'toString');
}
