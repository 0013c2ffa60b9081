// A model file's analysis keeps its uses packed (names as offsets into the text where they are written there); each read
// makes them again. These check the names that are not the text as written, and the wire form the read-ahead worker sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModelFile, fromWire, toWire, wireLength } from '../../server/src/project/modelFile';
import { analyzePythonModel } from '../../server/src/project/pythonModel';
import { integralFloatPlaces } from '../../server/src/project/yamlFloats';

const TEXT = [
  "{{ config(materialized='table') }}",
  "select * from {{ ref('orders') }} join {{ ref('pkg', 'cust' 'omers', v=2) }} join {{ ref(\"it\\'s\") }} join {{ ref(7) }}",
  "{% if x %} {{ source('raw', 'events') }} {{ var('start', '2020') }} {% endif %}",
  "{{ dbt_utils . star(from=ref('orders')) }} {{ cents('x') }} {{ var(\"end\") }}",
].join('\n');

test('uses read back from the packed form: names as written, concatenated, escaped or numbers, with their offsets', () => {
  const a = analyzeModelFile(TEXT);
  const refs = a.refs;
  assert.deepEqual(refs.map((r) => [r.name, r.packageName, r.version, r.conditional]), [
    ['orders', undefined, undefined, undefined],
    ['customers', 'pkg', '2', undefined],
    ["it's", undefined, undefined, undefined],
    ['7', undefined, undefined, undefined],
    ['orders', undefined, undefined, undefined],
  ]);
  assert.equal(TEXT.slice(refs[0].start, refs[0].end), "'orders'");
  assert.equal(TEXT.slice(refs[1].callStart, refs[1].callEnd), "ref('pkg', 'cust' 'omers', v=2)");
  assert.deepEqual(a.sources.map((s) => [s.source, s.table, s.conditional, TEXT.slice(s.tableStart, s.tableEnd)]), [['raw', 'events', true, "'events'"]]);
  assert.deepEqual(a.macroCalls.map((m) => [m.name, m.namespace, TEXT.slice(m.start, m.end)]), [['star', 'dbt_utils', 'dbt_utils . star'], ['cents', undefined, 'cents']]);
  assert.deepEqual(a.vars.map((v) => [v.name, v.hasDefault, v.conditional]), [['start', true, true], ['end', false, false]]);
  assert.equal(a.varCount, 2);
  assert.deepEqual(a.config, { materialized: 'table' });
  // each read is a fresh array: a caller may change what it got
  a.refs.pop();
  assert.equal(a.refs.length, 5);
});

test('an analysis sent in its wire form reads back the same, from a shared buffer at any offset', () => {
  const texts = [TEXT, "{{ config(ratio=1.0, n=1, sizes=[2, 3.0], meta={'x': 4.0}) }} select 1", "{{ ref('a') }} {% set x = 1 %}{{ x }} {% if %}", TEXT.replace(/orders/g, 'o')];
  const analyses = texts.map(analyzeModelFile);
  const buffer = new Int32Array(7 + analyses.reduce((n, a) => n + wireLength(a), 0));
  let at = 7;
  const wires = analyses.map((a) => { const w = toWire(a, buffer, at); at += w.length; return w; });
  // a structured clone, as postMessage makes it
  const received = structuredClone({ wires, buffer });
  texts.forEach((text, i) => {
    const back = fromWire(text, received.wires[i], received.buffer);
    const a = analyses[i];
    for (const key of ['refs', 'sources', 'macroCalls', 'vars', 'configs', 'config', 'snapshotNames', 'problems', 'language'] as const) assert.deepEqual(back[key], a[key], `${i}: ${key}`);
    assert.deepEqual([...back.localNames], [...a.localNames]);
    assert.deepEqual(integralFloatPlaces(back.config), integralFloatPlaces(a.config), `${i}: the config values written as floats`);
    assert.deepEqual(back.calls.map((c) => c.name), a.calls.map((c) => c.name));
  });
  const py = analyzePythonModel("def model(dbt, s):\n    return dbt.ref('pkg', 'up')\n");
  const one = new Int32Array(wireLength(py));
  const back = fromWire(py.text, structuredClone(toWire(py, one, 0)), one);
  assert.deepEqual(back.refs, py.refs);
  assert.equal(back.language, 'python');
  assert.deepEqual(back.scan.blocks, [], 'a Python model has no Jinja blocks');
  assert.deepEqual(integralFloatPlaces(fromWire(texts[1], received.wires[1], received.buffer).config), [[[], 'ratio'], [['sizes'], '1'], [['meta'], 'x']]);
});
