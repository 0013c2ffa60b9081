// The two wildcard dialects dbt's selectors use, as regular expressions. Hand-written because dbt's meaning is
// Python's exactly (fnmatch for names, pathlib glob for paths) and the glob libraries at hand differ in corners
// (brace expansion, dot files, `[!x]`).

/** Python's fnmatch.fnmatchcase: `*` any run (dots and slashes too), `?` one character, `[abc]`, `[a-z]`, `[!x]`. */
export function fnmatch(text: string, pattern: string): boolean {
  return compile(pattern, false).test(text);
}

/** pathlib-style glob over `/` paths: `*` and `?` stay inside one segment, `**` spans segments. */
export function globPath(text: string, pattern: string): boolean {
  return compile(pattern, true).test(text);
}

export function hasWildcard(text: string): boolean {
  return /[*?[\]]/.test(text);
}

const compiled = new Map<string, RegExp>();

function compile(pattern: string, paths: boolean): RegExp {
  const key = `${paths ? 'p' : 'n'}${pattern}`;
  let re = compiled.get(key);
  if (re) return re;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      const globstar = paths && pattern[i + 1] === '*';
      if (globstar) {
        i++;
        // `**/` also matches no folder at all.
        if (pattern[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += paths ? '[^/]*' : '.*';
    } else if (c === '?') out += paths ? '[^/]' : '.';
    else if (c === '[') {
      // As in Python: a `]` right after `[` or `[!` is a member, not the end.
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      const close = pattern.indexOf(']', j);
      if (close < 0) out += '\\[';
      else {
        const body = pattern.slice(i + 1, close);
        const negated = body.startsWith('!');
        out += `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&')}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  re = new RegExp(`^${out}$`, 's');
  if (compiled.size > 1000) compiled.clear();
  compiled.set(key, re);
  return re;
}
