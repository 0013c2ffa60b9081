// Completion and hover over refs, checked data-driven: a marked position and what must be offered or shown.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { KNOWN_GAPS, completionLabels, hasLakehouse, hoverText, openFile, positionOf, waitForBound, withKnownGap } from './helpers';

interface Case {
  file: string;
  /** Snippet with | at the cursor. */
  at: string;
  expected: string[];
  /** Needs the demo lakehouse (source schemas), so it skips without one. */
  needsLakehouse?: boolean;
  knownGap?: string;
}

const completionCases: Case[] = [
  { file: 'models/marts/mart_revenue.sql', at: "ref('|stg_orders')", expected: ['stg_orders', 'stg_customers', 'stg_order_items', 'stg_products'] },
  // After a table alias: the columns of the model it stands for.
  { file: 'models/marts/mart_revenue.sql', at: '(distinct o.|order_id)', expected: ['order_id', 'customer_id', 'order_date', 'status'], needsLakehouse: true },
];

const hoverCases: Case[] = [
  { file: 'models/marts/mart_revenue.sql', at: "ref('stg_or|ders')", expected: ['stg_orders', 'view'] },
  { file: 'models/marts/mart_revenue.sql', at: "ref('stg_or|ders')", expected: ['order_id', 'customer_id', 'order_date', 'status'], needsLakehouse: true },
];

async function check(c: Case, run: (uri: vscode.Uri, pos: vscode.Position) => Promise<string>): Promise<void> {
  const { document } = await openFile(c.file);
  const text = await run(document.uri, positionOf(document, c.at));
  for (const e of c.expected) assert.ok(text.includes(e), `expected "${e}" at ${c.file} ${c.at}; got:\n${text}`);
}

describe('language features', () => {
  before(() => waitForBound());

  for (const c of completionCases) {
    it(`completion at ${c.at} offers ${c.expected.join(', ')}`, function () {
      if (c.needsLakehouse && !hasLakehouse) this.skip();
      return withKnownGap(this, c.knownGap, () =>
        check(c, async (uri, pos) => {
          const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos);
          return completionLabels(list).join('\n');
        }),
      );
    });
  }

  for (const c of hoverCases) {
    it(`hover at ${c.at} shows ${c.expected.join(', ')}`, function () {
      if (c.needsLakehouse && !hasLakehouse) this.skip();
      return withKnownGap(this, c.knownGap, () =>
        check(c, async (uri, pos) => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos))),
      );
    });
  }
});
