// A mistake is reported at its own line, with a helpful message, and its quick fix (the message's did-you-mean)
// puts the right name back and clears the diagnostic. Data-driven.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { KNOWN_GAPS, hasLakehouse, openFile, positionOf, replaceOnce, revertActive, waitForBound, waitForDiagnostics, withKnownGap } from './helpers';

interface Case {
  name: string;
  file: string;
  /** The correct text, and the mistake put in its place. */
  good: string;
  bad: string;
  /** Text the diagnostic message must contain (besides the bad name). */
  mentions: RegExp;
  /** The misspelled name, which the message quotes. */
  badName: string;
  needsLakehouse?: boolean;
  knownGap?: string;
}

const cases: Case[] = [
  {
    name: 'a misspelled ref',
    file: 'models/marts/mart_revenue.sql',
    good: "ref('stg_orders')",
    bad: "ref('stg_ordrs')",
    badName: 'stg_ordrs',
    mentions: /stg_orders/,
  },
  {
    name: 'a misspelled column in a staging model',
    file: 'models/staging/stg_orders.sql',
    good: 'lower(status) as status',
    bad: 'lower(statsu) as status',
    badName: 'statsu',
    mentions: /status/,
    needsLakehouse: true,
  },
];

describe('diagnostics', () => {
  before(() => waitForBound());
  afterEach(() => revertActive());

  for (const c of cases) {
    it(`reports ${c.name} at the right line, and its quick fix clears it`, async function () {
      if (c.needsLakehouse && !hasLakehouse) this.skip();
      await withKnownGap(this, c.knownGap, () => check(c));
    });
  }
});

/** Puts the mistake in, expects it reported at its line, applies its preferred quick fix, expects the text right and the report gone. */
async function check(c: Case): Promise<void> {
  const { document: doc } = await openFile(c.file);
  const line = positionOf(doc, `|${c.good}`).line;
  await replaceOnce(doc, c.good, c.bad);

  const reported = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.message.includes(c.badName)));
  const diagnostic = reported.find((d) => d.message.includes(c.badName))!;
  assert.equal(diagnostic.range.start.line, line, `reported on line ${diagnostic.range.start.line + 1}, expected ${line + 1}`);
  assert.match(diagnostic.message, c.mentions);

  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a) => a.isPreferred && a.edit);
  assert.ok(fix, `a preferred quick fix for ${c.badName}: ${actions.map((a) => a.title).join('; ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'the fix applies');
  assert.ok(doc.getText().includes(c.good), `the fix writes ${c.good}`);
  await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => d.message.includes(c.badName)));
}
