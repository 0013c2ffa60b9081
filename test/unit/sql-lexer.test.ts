import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../server/src/sql/lexer';

/** CPU milliseconds spent by `fn`: steadier than wall time on a machine shared with other jobs. */
function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

/** Tokens rendered as `kind:text`, so each case reads like the input. */
function check(sql: string, expected: string[]) {
  const got = tokenize(sql).map((t) => `${t.kind}:${t.text}`);
  assert.deepEqual(got, expected, sql);
}

test('words, numbers, punctuation and operators', () => {
  check('select a.b, 1.5e3 from t where x>=2', [
    'word:select', 'word:a', 'punct:.', 'word:b', 'punct:,', 'number:1.5e3', 'word:from', 'word:t', 'word:where', 'word:x', 'punct:>=', 'number:2',
  ]);
  check('x::int', ['word:x', 'punct:::', 'word:int']);
});

test('comments keep their text and never swallow the next line', () => {
  check('select 1 -- the end\nfrom t', ['word:select', 'number:1', 'comment:-- the end', 'word:from', 'word:t']);
  check('a /* b -- c */ d', ['word:a', 'comment:/* b -- c */', 'word:d']);
  check('a /* unterminated', ['word:a', 'comment:/* unterminated']);
  check('1--2', ['number:1', 'comment:--2']);
});

test('strings, escapes and dollar quotes', () => {
  check("'it''s -- not a comment'", ["string:'it''s -- not a comment'"]);
  check("E'a\\'b' x", ["string:E'a\\'b'", 'word:x']);
  check('$$ a ; b $$ c', ['string:$$ a ; b $$', 'word:c']);
  check('$tag$ x $$ y $tag$', ['string:$tag$ x $$ y $tag$']);
  check("'unterminated", ["string:'unterminated"]);
  check('$1 + ?', ['param:$1', 'punct:+', 'param:?']);
});

test('quoted identifiers are unescaped', () => {
  check('"a ""b"" c"."d"', ['quoted:a "b" c', 'punct:.', 'quoted:d']);
  check('"open', ['quoted:open']);
});

test('Jinja blocks in raw model text are single tokens', () => {
  check("select * from {{ ref('a') }} x", ['word:select', 'punct:*', 'word:from', "jinja:{{ ref('a') }}", 'word:x']);
  check('{# note #}{% if x %}1{% endif %}', ['jinja:{# note #}', 'jinja:{% if x %}', 'number:1', 'jinja:{% endif %}']);
});

test('junk never throws and offsets cover the input in order', () => {
  const junk = ['\u0000\u0001"\'$', '{{', '/*', "$a$ '", ')))(((', '\uD800x', ':::a:b', '$'];
  for (const s of junk) {
    const toks = tokenize(s);
    let last = 0;
    for (const t of toks) {
      assert.ok(t.start >= last && t.end > t.start && t.end <= s.length, JSON.stringify(s));
      last = t.end;
    }
  }
});

test('a 1 MB line tokenizes in well under a second', () => {
  const line = "select a, 'x', \"q\", 1.5 /* c */ from t join u on t.id = u.id ".repeat(17_000);
  let toks: ReturnType<typeof tokenize> = [];
  const ms = cpuMs(() => {
    toks = tokenize(line);
  });
  assert.ok(line.length > 1_000_000);
  assert.ok(toks.length > 300_000);
  assert.ok(ms < 1000, `${ms} ms`);
});
