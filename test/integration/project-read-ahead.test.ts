// A large project's files are read on a worker thread while the index analyzes them (project/readAhead.ts), which also
// parses its schema YAML. The project model, every file's diagnostics and the input trace must be what reading and
// parsing each file on the main thread gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import type { ModelFileAnalysis } from '../../server/src/project/modelFile';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { readAheadSettings } from '../../server/src/project/readAhead';
import { projectDataTests } from '../../server/src/project/dataTests';
import { genericTestUniqueId } from '../../server/src/project/testNames';
import { InputTrace } from '../../server/src/util/inputTrace';
import { pyFloatAt } from '../../server/src/project/yamlFloats';
import { pyStr } from '../../server/src/jinja/pythonCompat';
import { dictNames } from '../../server/src/jinja/pyDictKeys';
import { generateProject } from '../helpers/generateProject';

/** The project as loaded, every file's diagnostics, and the trace of the load. */
/** What an analysis holds (its uses are made on each read, not own fields). */
function analysisOf(a: ModelFileAnalysis) {
  const { text, language, refs, sources, macroCalls, vars, configs, config, snapshotNames, problems } = a;
  return { text, language, localNames: [...a.localNames], refs, sources, macroCalls, vars, configs, config, snapshotNames, problems };
}

function load(root: string, settings: Partial<typeof readAheadSettings>) {
  const saved = { ...readAheadSettings };
  Object.assign(readAheadSettings, settings);
  const before = readAheadSettings.fromWorker;
  const parsedBefore = readAheadSettings.parsedByWorker;
  const analyzedBefore = readAheadSettings.analyzedByWorker;
  try {
    const trace = new InputTrace([]);
    const project = DbtProject.load(root);
    const inputs = trace.stop();
    const files = [...project.files.values()].map((e) => JSON.stringify({ ...e, analysis: e.analysis && analysisOf(e.analysis) }));
    const diagnostics = [...project.files.keys()].map((f) => JSON.stringify(fileDiagnostics(project, f)));
    const dag = JSON.stringify([...project.dag.parents].map(([n, ps]) => [n, [...ps]]));
    // data test ids carry what js-yaml's values alone lose (integral floats, named as Python prints them)
    const tests = projectDataTests(project).map((t) => `${t.kind === 'singular' ? t.id : genericTestUniqueId(t, project.name)} ${JSON.stringify(t.floatArgs ?? [])}`).sort();
    // a config value written 1.0, as Jinja prints it (the float marks travel with a YAML parsed on the worker)
    const m60 = project.resolveRef({ name: 'm60' });
    const weight = m60 && pyStr(pyFloatAt(project.configOf(m60), 'weight'));
    // a mapping's order with integer-like keys, as PyYAML's dict keeps it (it travels with a YAML parsed on the worker)
    const years = (project.doc('m60')?.config?.meta as { years?: object } | undefined)?.years;
    return { files, diagnostics, dag, tests, weight, years: years && dictNames(years), inputs, fromWorker: readAheadSettings.fromWorker - before, parsedByWorker: readAheadSettings.parsedByWorker - parsedBefore, analyzedByWorker: readAheadSettings.analyzedByWorker - analyzedBefore };
  } finally {
    Object.assign(readAheadSettings, { ...saved, fromWorker: readAheadSettings.fromWorker, parsedByWorker: readAheadSettings.parsedByWorker, analyzedByWorker: readAheadSettings.analyzedByWorker });
  }
}

test('a project read ahead on a worker is the project read on the main thread: entries, diagnostics, DAG and trace', () => {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'floe-read-ahead-')), 'project');
  generateProject(root, 400);
  const marts = path.join(root, 'models', 'marts');
  // an unreadable file (dangling link: the walk lists it, the read fails), non-ASCII text, and a model with an error
  fs.symlinkSync(path.join(root, 'nowhere.sql'), path.join(marts, 'dangling.sql'));
  fs.writeFileSync(path.join(marts, 'unicode_ü.sql'), "-- größe, 数据 ✓\nselect 'ü' as x from {{ ref('m10') }}\n");
  fs.writeFileSync(path.join(marts, 'broken.sql'), "select * from {{ ref('no_such_model') }} {% if %}\n");
  // a package: read ahead too (its own walk)
  const pkg = path.join(root, 'dbt_packages', 'util_pkg');
  fs.mkdirSync(path.join(pkg, 'macros'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'dbt_project.yml'), 'name: util_pkg\n');
  for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(pkg, 'macros', `m${i}.sql`), `{% macro pkg_m${i}(x) %}{{ x }} + ${i}{% endmacro %}\n`);
  try {
    const main = load(root, { minFiles: Infinity });
    assert.equal(main.fromWorker, 0);
    // every text from the worker (the caller never reads a chunk itself), then the two reading side by side
    const worker = load(root, { minFiles: 1, callerReads: false, stallMs: 60_000 });
    assert.equal(worker.fromWorker, main.files.length - 3, 'all but dbt_project.yml, profiles.yml and the package project file came from the worker');
    // every model file analyzed there (the unreadable one aside), its packed uses kept as they came: equal to the main thread's
    assert.equal(main.analyzedByWorker, 0);
    assert.equal(worker.analyzedByWorker, main.files.filter((f) => f.includes('"kind":"model"')).length);
    const mixed = load(root, { minFiles: 1 });
    // a caller that never waits on the worker's chunk under way (reads it itself; the worker's copy is dropped)
    const impatient = load(root, { minFiles: 1, stallMs: 0 });
    for (const other of [worker, mixed, impatient]) {
      assert.deepEqual(other.files, main.files);
      assert.deepEqual(other.diagnostics, main.diagnostics);
      assert.equal(other.dag, main.dag);
      assert.ok(main.inputs && other.inputs, 'the traces are complete');
      assert.deepEqual(other.inputs, main.inputs, 'the same inputs in the same order, with the same outcomes');
    }
    assert.ok(main.diagnostics.some((d) => d.includes('no_such_model')), 'the broken model has its diagnostics');
    assert.ok(main.files.some((f) => f.includes('数据')), 'the non-ASCII text is indexed');
  } finally {
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  }
});

/** Schema YAML the strict parse reads (anchors, merge keys, dates, special floats, floats Python prints as `1.0`, a
 * large file parsed per item) and
 * YAML it refuses (a duplicate key, a syntax error, comments only), each read as the main thread reads it. */
const YAML_CASES: Record<string, string> = {
  'anchors.yml': "version: 2\nx-common: &common\n  materialized: table\n  tags: [a, b]\nmodels:\n  - name: m60\n    config:\n      <<: *common\n      weight: 1.0\n      meta: {since: 2021-03-04, at: 2021-03-04T05:06:07Z, ratio: .nan, big: .inf, n: 0x1F, o: 1e3, years: {2024: a, 2023: b, x: c}}\n    columns:\n      - name: id\n        data_tests: [unique, not_null, {accepted_values: {values: [1.0, 2.5, 3]}}, {relationships: {to: ref('m61'), field: id, config: {where: 'x > 1.0'}}}]\n  - name: m61\n    config: *common\n    data_tests: [{expression_is_true: {expression: 'id > 0', tolerance: 2.0}}]\n",
  'duplicate_key.yml': 'version: 2\nmodels:\n  - name: m62\n    description: first\n    description: second\n',
  'broken.yml': 'version: 2\nmodels:\n  - name: m63\n    columns: [\n',
  'comments_only.yml': '# version: 2\n# models:\n#   - name: m64\n',
  'big.yml': ['version: 2', 'models:', ...Array.from({ length: 300 }, (_, i) => `  - name: m${100 + i}\n    description: "Model ${i}: ${'x'.repeat(80)}"\n    columns:\n      - name: id\n        data_tests: [not_null]`)].join('\n') + '\n',
};

test('schema YAML parsed on the worker is the YAML parsed on the main thread, and the worker parses it', () => {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'floe-read-ahead-yaml-')), 'project');
  generateProject(root, 400);
  for (const [name, text] of Object.entries(YAML_CASES)) fs.writeFileSync(path.join(root, 'models', 'marts', name), text);
  assert.ok(YAML_CASES['big.yml'].length > 32 * 1024, 'the large file is parsed per item');
  try {
    const main = load(root, { minFiles: Infinity });
    assert.equal(main.parsedByWorker, 0);
    const worker = load(root, { minFiles: 1, callerReads: false, stallMs: 60_000 });
    // every schema YAML the strict parse reads: the generated ones, anchors.yml and big.yml (not the three it refuses)
    const yamlFiles = main.files.filter((f) => JSON.parse(f).kind === 'yaml').length;
    assert.equal(worker.parsedByWorker, yamlFiles - 3, 'the worker parsed every strict YAML file');
    const mixed = load(root, { minFiles: 1 });
    for (const other of [worker, mixed]) {
      assert.deepEqual(other.files, main.files);
      assert.deepEqual(other.diagnostics, main.diagnostics);
      assert.equal(other.dag, main.dag);
      assert.deepEqual(other.tests, main.tests, 'the data tests (names with integral floats) of a project parsed on the worker');
      assert.equal(other.weight, '1.0', 'a config value written 1.0 prints 1.0 from a YAML parsed on the worker');
      assert.deepEqual(other.years, ['2024', '2023', 'x'], 'a mapping keeps its written order from a YAML parsed on the worker');
      assert.deepEqual(other.inputs, main.inputs);
    }
    assert.equal(main.weight, '1.0');
    assert.deepEqual(main.years, ['2024', '2023', 'x']);
    assert.ok(main.tests.some((n) => n.includes('__1_0__2_5__3')), `an integral float is named as Python prints it: ${main.tests.join(', ')}`);
    const diagnostics = main.diagnostics.join('\n');
    assert.match(diagnostics, /duplicate key/, 'the duplicate key is the main thread\'s warning');
    assert.match(diagnostics, /yaml-syntax/, 'the syntax error is reported');
    assert.ok(main.files.some((f) => f.includes('"since":"2021-03-04"') && f.includes('"materialized":"table"')), 'the anchored, merged config is read');
  } finally {
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  }
});
