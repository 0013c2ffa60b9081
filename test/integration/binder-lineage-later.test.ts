// The editor's background binds leave the column lineage out and owe it (Binder's `lineageLater`), so diagnostics come
// first: settled later, the lineage must be exactly what binds with the lineage give, and never that of an older text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import { Binder } from '../../server/src/features/binding';
import { bindInOrder } from '../../server/src/features/bindSchedule';
import { createBindConnection } from '../../server/src/sql/connection';
import { writeColumnLineageProject } from '../helpers/column-lineage-project';
import { generateProject } from '../helpers/generateProject';

function models(project: DbtProject): string[] {
  return project.modelNames().flatMap((n) => project.nodes(n)).filter((n) => n.kind === 'model').map((n) => n.file);
}

function lineages(project: DbtProject): Record<string, unknown> {
  return Object.fromEntries(project.modelNames().map((n) => [n, project.boundLineage.get(n)]).filter(([, l]) => l));
}

async function boundWith(root: string, options: { lineageLater?: boolean }) {
  const bind = await createBindConnection();
  const project = DbtProject.load(root);
  const binder = new Binder(async () => bind.connection, undefined, options);
  await bindInOrder(binder, project, models(project), { concurrency: 4 });
  return { project, binder, close: () => bind.close() };
}

test('lineage settled after the binds is the lineage binds with it give, model by model', async () => {
  const dirs = [writeColumnLineageProject(), fs.mkdtempSync(path.join(os.tmpdir(), 'floe-lineage-later-'))];
  generateProject(dirs[1], 120);
  try {
    for (const root of dirs) {
      const now = await boundWith(root, {});
      const later = await boundWith(root, { lineageLater: true });
      try {
        assert.ok(Object.keys(lineages(now.project)).length >= 4, root);
        // diagnostics and columns at once, the lineage owed
        assert.deepEqual(lineages(later.project), {});
        for (const f of models(now.project)) assert.deepEqual(later.binder.current(later.project, f)?.diagnostics, now.binder.current(now.project, f)?.diagnostics, f);
        // two features asking at once both wait for all of it
        await Promise.all([later.binder.settleLineage(later.project), later.binder.settleLineage(later.project)]);
        assert.deepEqual(lineages(later.project), lineages(now.project));
      } finally {
        now.close();
        later.close();
      }
    }
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('an urgent bind (the edited file) makes its lineage at once; a model bound again before the settling owes only its new text', async () => {
  const root = writeColumnLineageProject();
  const later = await boundWith(root, { lineageLater: true });
  try {
    const { project, binder } = later;
    const mart = path.join(root, 'models/mart_sales.sql');
    const top = path.join(root, 'models/mart_top.sql');
    const text = project.entry(mart)!.text;
    project.updateFile(mart, text.replace('sum(o.amount) as revenue', 'max(o.amount) as revenue'));
    await binder.bind(project, mart, { urgent: true });
    assert.ok(project.boundLineage.get('mart_sales'), 'the urgent bind gave its lineage');
    // edited again and bound in the background: what is owed is the newest text's lineage
    project.updateFile(top, project.entry(top)!.text.replace('where revenue > 0', 'where revenue > 10'));
    await binder.bind(project, top);
    // edited so that it no longer renders: the owed lineage of its last bind is dropped, not made for stale SQL
    const staged = path.join(root, 'models/stg_customers.sql');
    project.updateFile(staged, '{{ ref( }}');
    await binder.bind(project, staged);
    await binder.settleLineage(project);
    assert.equal(project.boundLineage.get('stg_customers'), undefined);
    const topLineage = project.boundLineage.get('mart_top')!;
    assert.equal(topLineage.text, project.entry(top)!.text);

    const fresh = await boundWith(root, {});
    try {
      fresh.project.updateFile(mart, project.entry(mart)!.text);
      fresh.project.updateFile(top, project.entry(top)!.text);
      await fresh.binder.bind(fresh.project, mart);
      await fresh.binder.bind(fresh.project, top);
      assert.deepEqual(project.boundLineage.get('mart_sales'), fresh.project.boundLineage.get('mart_sales'));
      assert.deepEqual(topLineage, fresh.project.boundLineage.get('mart_top'));
    } finally {
      fresh.close();
    }
  } finally {
    later.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
