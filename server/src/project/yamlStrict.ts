// A schema YAML file's first, strict parse, as the index tries it before any of its fallbacks (schemaYaml.ts). One
// function, so the read-ahead worker's parse and the main thread's are the same parse; what the parse knows beyond the
// value (yamlFloats.ts: which numbers were written as integral floats; pyDictKeys.ts: which keys are numbers, and the
// order of mappings with integer-like keys) travels
// with a parse made on another thread.
import { integralFloatPlaces, loadYaml, markIntegralFloats, type IntegralFloatPlaces } from './yamlFloats';
import { dictOrderPlaces, pythonKeyPlaces, restoreDictOrders, restorePythonKeys, type DictOrderPlaces, type PythonKeyPlaces } from '../jinja/pyDictKeys';

/** The file's one document; throws js-yaml's error where the text is not strict YAML. */
export function loadStrict(file: string, source: string): unknown {
  return loadYaml(source, { filename: file });
}

/** A strict parse made on another thread (the read-ahead worker): present only where it succeeded. */
export interface ParsedYaml {
  value: unknown;
  floats: IntegralFloatPlaces;
  keys: PythonKeyPlaces;
  orders: DictOrderPlaces;
}

/** The strict parse, to send to another thread. */
export function parseToSend(file: string, source: string): ParsedYaml {
  const value = loadStrict(file, source);
  return { value, floats: integralFloatPlaces(value), keys: pythonKeyPlaces(value), orders: dictOrderPlaces(value) };
}

/** The value of a parse received from another thread, marked as the parse there marked it. */
export function receivedValue(parsed: ParsedYaml): unknown {
  markIntegralFloats(parsed.value, parsed.floats);
  restorePythonKeys(parsed.value, parsed.keys);
  restoreDictOrders(parsed.value, parsed.orders);
  return parsed.value;
}
