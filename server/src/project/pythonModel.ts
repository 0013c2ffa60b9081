// A Python model (`models/*.py`, `def model(dbt, session)`): a node of the DAG whose refs, sources and config come
// from `dbt.ref('x')`, `dbt.source('s', 't')` and `dbt.config(k=v)` calls. Floe indexes it; it never runs it.
import { analyzeModelFile, type ModelFileAnalysis } from './modelFile';
import type { Literal } from '../jinja/calls';

const STRING = String.raw`(?:'([^'\\]*)'|"([^"\\]*)")`;
const REF = new RegExp(String.raw`\bdbt\.ref\(\s*${STRING}(?:\s*,\s*${STRING})?`, 'g');
const SOURCE = new RegExp(String.raw`\bdbt\.source\(\s*${STRING}\s*,\s*${STRING}`, 'g');
const CONFIG = /\bdbt\.config\(([^)]*)\)/g;
const CONFIG_ARG = /([A-Za-z_]\w*)\s*=\s*(?:'([^']*)'|"([^"]*)"|(True|False|None|-?\d+(?:\.\d+)?))/g;

export function analyzePythonModel(text: string): ModelFileAnalysis {
  const a = analyzeModelFile('');
  a.text = text;
  a.language = 'python';
  for (const m of text.matchAll(REF)) {
    const first = m[1] ?? m[2];
    const second = m[3] ?? m[4];
    const name = second ?? first;
    const nameAt = m.index! + m[0].lastIndexOf(second !== undefined ? (m[3] !== undefined ? `'${second}'` : `"${second}"`) : (m[1] !== undefined ? `'${first}'` : `"${first}"`));
    a.refs.push({ name, packageName: second !== undefined ? first : undefined, start: nameAt, end: nameAt + name.length + 2, callStart: m.index!, callEnd: m.index! + m[0].length });
  }
  for (const m of text.matchAll(SOURCE)) {
    const source = m[1] ?? m[2];
    const table = m[3] ?? m[4];
    const s = m.index! + m[0].indexOf(source) - 1;
    const t = m.index! + m[0].lastIndexOf(table) - 1;
    a.sources.push({ source, table, sourceStart: s, sourceEnd: s + source.length + 2, tableStart: t, tableEnd: t + table.length + 2, callStart: m.index!, callEnd: m.index! + m[0].length });
  }
  for (const m of text.matchAll(CONFIG)) {
    for (const arg of m[1].matchAll(CONFIG_ARG)) {
      const literal = arg[4];
      const value: Literal = arg[2] ?? arg[3] ?? (literal === 'True' ? true : literal === 'False' ? false : literal === 'None' ? null : Number(literal));
      a.config[arg[1]] = value;
    }
  }
  return a;
}
