// dbt docs blocks as text: `{% docs name %}…{% enddocs %}` in the project's .md files, and `{{ doc('name') }}` uses
// (in schema YAML descriptions), each with the exact span of the block's name.
export interface DocBlock {
  name: string;
  start: number;
  end: number;
  /** A definition's text, between its `{% docs %}` and `{% enddocs %}` tags. */
  body?: { start: number; end: number };
}

/** The docs blocks a Markdown file defines, each with the span of its name and of its text. */
export function docBlocksOf(text: string): DocBlock[] {
  const out: DocBlock[] = [];
  const enddocs = /\{%-?\s*enddocs\s*-?%\}/g;
  for (const m of text.matchAll(/\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}/g)) {
    const start = m.index! + m[0].indexOf(m[1], m[0].indexOf('docs') + 4);
    enddocs.lastIndex = m.index! + m[0].length;
    const close = enddocs.exec(text);
    out.push({ name: m[1], start, end: start + m[1].length, ...(close ? { body: { start: m.index! + m[0].length, end: close.index } } : {}) });
  }
  return out;
}

/** `doc('name')` and `doc('package', 'name')` in a text: the span of the block's name (inside its quotes). */
export function docUsesIn(text: string): DocBlock[] {
  const out: DocBlock[] = [];
  for (const m of text.matchAll(/\bdoc\(\s*(?:(['"])[^'"\n]*\1\s*,\s*)?(['"])([A-Za-z_][\w]*)\2\s*\)/g)) {
    const start = m.index! + m[0].lastIndexOf(`${m[2]}${m[3]}${m[2]}`) + 1;
    out.push({ name: m[3], start, end: start + m[3].length });
  }
  return out;
}
