// The walkthrough and the extension page are read by someone who installed the VSIX: no repository commands or paths,
// and the status bar's words in the order the UI shows them ("Floe: starting", then "Floe: ready").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

interface Step { id: string; title: string; description: string; media: { markdown?: string } }
const manifest = JSON.parse(read('package.json')) as { contributes: { walkthroughs: { title: string; description: string; steps: Step[] }[] } };
const [walkthrough] = manifest.contributes.walkthroughs;

/** Every text of the walkthrough: its own, each step's, and each step's markdown. */
const texts: [string, string][] = [
  ['walkthrough', `${walkthrough.title}\n${walkthrough.description}`],
  ...walkthrough.steps.flatMap((s): [string, string][] => [
    [`step ${s.id}`, `${s.title}\n${s.description}`],
    ...(s.media.markdown ? [[s.media.markdown, read(s.media.markdown)] as [string, string]] : []),
  ]),
];

test('the status bar shows the words the docs quote', () => {
  const statusBar = read('client/src/statusBar.ts');
  for (const words of ['Floe: starting', 'Floe: ready']) assert.ok(statusBar.includes(words), words);
});

test('the walkthrough names no build command or repository path a VSIX user does not have', () => {
  for (const [where, text] of texts) {
    assert.doesNotMatch(text, /\bnpm (ci|run|install)\b|node (server|test)\/|\bFloe repository\b|`demo\/`|\bdemo\/ folder/, where);
  }
});

test('the first step and the extension page say "Floe: starting", then "Floe: ready"', () => {
  const first = walkthrough.steps[0];
  for (const [where, text] of [[`step ${first.id}`, first.description], [first.media.markdown ?? '', read(first.media.markdown ?? '')],
    ['docs/README.vsix.md', read('docs/README.vsix.md')]]) {
    const starting = text.indexOf('Floe: starting');
    assert.ok(starting >= 0, `${where} says "Floe: starting"`);
    assert.ok(text.indexOf('Floe: ready', starting) > starting, `${where} says "Floe: ready" after "Floe: starting"`);
    assert.doesNotMatch(text, /Floe: indexing\*\*, then/, `${where}: "starting", then "ready", as the UI says`);
  }
});
