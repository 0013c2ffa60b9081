// The materialize commands, run the way the palette runs them: each writes a new snapshot of exactly the gold tables
// its selection names, in the local lakehouse of the open project. Data-driven.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { hasLakehouse, openFile, waitForReady } from './helpers';

const MARTS = ['mart_customer_orders', 'mart_product_performance', 'mart_revenue'];

interface Case {
  command: string;
  /** The model the editor shows when the command runs. */
  file: string;
  /** Marts that must get a new snapshot; the others must keep theirs. */
  changes: string[];
}

const cases: Case[] = [
  { command: 'floe.materialize', file: 'models/marts/mart_revenue.sql', changes: ['mart_revenue'] },
  { command: 'floe.materializeWithUpstream', file: 'models/marts/mart_customer_orders.sql', changes: ['mart_customer_orders'] },
  { command: 'floe.materializeAll', file: 'models/staging/stg_orders.sql', changes: MARTS },
];

describe('materialize commands', () => {
  before(function () {
    if (!hasLakehouse) this.skip();
    return waitForReady();
  });

  for (const c of cases) {
    it(`${c.command} from ${path.basename(c.file)} writes new snapshots of ${c.changes.join(', ')} only`, () => check(c));
  }
});

async function check(c: Case): Promise<void> {
  const before = Object.fromEntries(MARTS.map((m) => [m, currentSnapshotId(m)]));
  const { document } = await openFile(c.file);
  await vscode.commands.executeCommand(c.command, document.uri);
  for (const mart of MARTS) {
    const after = currentSnapshotId(mart);
    if (c.changes.includes(mart)) assert.notEqual(after, before[mart], `${mart} should have a new snapshot`);
    else assert.equal(after, before[mart], `${mart} should be untouched`);
  }
}

/** The current snapshot id of demo.gold.<table>, from its newest metadata file (as text: int64 stays exact). */
function currentSnapshotId(table: string): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'no workspace folder is open');
  const dir = path.join(folder, '.floe', 'warehouse', 'demo', 'gold', table, 'metadata');
  const newest = readdirSync(dir).filter((f) => f.endsWith('.metadata.json')).sort().pop();
  assert.ok(newest, `no metadata for demo.gold.${table} in ${dir}`);
  return /"current-snapshot-id"\s*:\s*(-?\d+)/.exec(readFileSync(path.join(dir, newest), 'utf8'))?.[1];
}
