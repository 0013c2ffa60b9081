// A Python model (`models/*.py`, `def model(dbt, session)`): a node of the DAG whose refs, sources and config come
// from `dbt.ref('x')`, `dbt.source('s', 't')` and `dbt.config(k=v)` calls. Floe indexes it; it never runs it.
import { analyzeModelFile, packAnalysis, type AnalysisParts, type ModelFileAnalysis } from './modelFile';
import type { Literal } from '../jinja/calls';

const STRING = String.raw`(?:'([^'\\]*)'|"([^"\\]*)")`;
const REF = new RegExp(String.raw`\bdbt\.ref\(\s*${STRING}(?:\s*,\s*${STRING})?`, 'gd');
const SOURCE = new RegExp(String.raw`\bdbt\.source\(\s*${STRING}\s*,\s*${STRING}`, 'gd');
const CONFIG = /\bdbt\.config\(([^)]*)\)/g;
const CONFIG_ARG = /([A-Za-z_]\w*)\s*=\s*(?:'([^']*)'|"([^"]*)"|(True|False|None|-?\d+(?:\.\d+)?))/g;

export function analyzePythonModel(text: string): ModelFileAnalysis {
  const a: AnalysisParts = { language: 'python', refs: [], sources: [], macroCalls: [], vars: [], configs: [], config: {}, snapshotNames: [] };
  for (const m of text.matchAll(REF)) {
    // dbt.ref('model') or dbt.ref('package', 'model'): the last string is the model, quotes included in the range.
    const nameGroup = m[3] !== undefined ? 3 : m[4] !== undefined ? 4 : m[1] !== undefined ? 1 : 2;
    const [start, end] = m.indices![nameGroup]!;
    const packageName = nameGroup >= 3 ? m[1] ?? m[2] : undefined;
    a.refs.push({ name: m[nameGroup], packageName, start: start - 1, end: end + 1, callStart: m.index!, callEnd: m.index! + m[0].length });
  }
  for (const m of text.matchAll(SOURCE)) {
    const [sourceStart, sourceEnd] = m.indices![m[1] !== undefined ? 1 : 2]!;
    const [tableStart, tableEnd] = m.indices![m[3] !== undefined ? 3 : 4]!;
    a.sources.push({
      source: m[1] ?? m[2], table: m[3] ?? m[4], sourceStart: sourceStart - 1, sourceEnd: sourceEnd + 1, tableStart: tableStart - 1, tableEnd: tableEnd + 1,
      callStart: m.index!, callEnd: m.index! + m[0].length,
    });
  }
  for (const m of text.matchAll(CONFIG)) {
    for (const arg of m[1].matchAll(CONFIG_ARG)) {
      const literal = arg[4];
      const value: Literal = arg[2] ?? arg[3] ?? (literal === 'True' ? true : literal === 'False' ? false : literal === 'None' ? null : Number(literal));
      a.config[arg[1]] = value;
    }
  }
  // no Jinja: the scanned text is empty
  return packAnalysis(text, new Set(), [], a, '');
}

/** A model-like file's analysis (model, snapshot, test, analysis): Python models by their calls, the rest as Jinja. */
export function analyzeModelLike(file: string, text: string): ModelFileAnalysis {
  return file.toLowerCase().endsWith('.py') ? analyzePythonModel(text) : analyzeModelFile(text);
}
