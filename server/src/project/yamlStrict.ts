// A schema YAML file's first, strict parse (js-yaml), as the index tries it before any of its fallbacks
// (schemaYaml.ts). One function, so the read-ahead worker's parse and the main thread's are the same parse.
import { load } from 'js-yaml';

/** The file's one document; throws js-yaml's error where the text is not strict YAML. */
export function loadStrict(file: string, source: string): unknown {
  return load(source, { filename: file });
}

/** A parse done elsewhere (the read-ahead worker): the value, present only where the strict parse succeeded. */
export interface ParsedYaml {
  value: unknown;
}
