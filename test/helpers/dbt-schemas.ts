// dbt's published JSON schemas (test/fixtures/dbt-schemas) compiled with ajv, for tests that check Floe's artifacts.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const schemas = path.join(__dirname, '..', 'fixtures', 'dbt-schemas');

/** Validators for target/manifest.json (v12) and target/run_results.json (v6). */
export function dbtArtifactValidators(): { manifest: ValidateFunction; runResults: ValidateFunction } {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const compile = (file: string) => ajv.compile(JSON.parse(fs.readFileSync(path.join(schemas, file), 'utf8')));
  return { manifest: compile('manifest-v12.json'), runResults: compile('run-results-v6.json') };
}
