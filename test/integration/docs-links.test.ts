// The READMEs and docs/ are read on GitHub and in the extension page: every relative link must name a file of this
// repository, never a path outside it (such as a sibling folder of the checkout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/demo-copy';

/** Markdown files and the folder their relative links resolve from (the VSIX README is read at the package root). */
function documents(): { file: string; base: string }[] {
  const docs = fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(REPO_ROOT, 'docs', f));
  return [path.join(REPO_ROOT, 'README.md'), ...docs].map((file) => ({
    file, base: path.basename(file) === 'README.vsix.md' ? REPO_ROOT : path.dirname(file),
  }));
}

function relativeLinks(text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return links.filter((l) => !/^([a-z]+:|#)/i.test(l)).map((l) => l.split('#')[0]);
}

test('every relative link in README.md and docs/ names a file inside the repository', () => {
  const problems: string[] = [];
  for (const { file, base } of documents()) {
    const text = fs.readFileSync(file, 'utf8');
    const name = path.relative(REPO_ROOT, file);
    for (const link of relativeLinks(text)) {
      const target = path.resolve(base, link);
      if (path.relative(REPO_ROOT, target).startsWith('..')) problems.push(`${name}: ${link} points outside the repository`);
      else if (!fs.existsSync(target)) problems.push(`${name}: ${link} does not exist`);
    }
    // A document beside the checkout named as code rather than linked (hostile test names like `../outside` are fine).
    for (const m of text.matchAll(/`\.\.\/[^`]*\.md`/g)) problems.push(`${name}: ${m[0]} names a path outside the repository`);
  }
  assert.deepEqual(problems, []);
});

test('the README links the reference architecture in docs/', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  assert.match(readme, /\]\(docs\/lakehouse\.md\)/);
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'docs/lakehouse.md')));
});
