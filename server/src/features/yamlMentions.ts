// Where schema YAML mentions a model besides its `- name:` entry: `ref('x')` in any value (a relationships test's
// `to:`, exposures' and semantic models' `depends_on`/`model:`, unit tests' `given: - input:`), and a unit test's
// bare `model: x`. For Find All References and rename, so a rename never leaves a YAML reference behind.
import type { DbtProject } from '../project/project';
import type { Location } from '../project/types';
import { parseRelationTarget } from '../project/dataTests';

/** The exact spans of `name` (inside its quotes) in every YAML file of the project, dbt_project.yml's hooks included. */
export function yamlModelMentions(project: DbtProject, name: string): Location[] {
  const out: Location[] = [];
  for (const e of project.files.values()) {
    if ((e.kind !== 'yaml' && e.kind !== 'dbt_project') || !e.text.includes(name)) continue;
    for (const m of e.text.matchAll(/\bref\(\s*(?:(['"])[^'"\n]*\1\s*,\s*)?(['"])([^'"\n]*)\2[^)\n]*\)/g)) {
      if (parseRelationTarget(m[0])?.kind !== 'model' || m[3] !== name) continue;
      const start = m.index! + m[0].lastIndexOf(`${m[2]}${name}${m[2]}`) + 1;
      out.push({ file: e.file, start, end: start + name.length });
    }
    // A unit test names its model bare: `model: stg_orders`.
    if (e.kind === 'yaml') for (const m of e.text.matchAll(/^[ \t]*(?:-[ \t]+)?model:[ \t]*(['"]?)([\w.-]+)\1[ \t]*(?:#.*)?$/gm)) {
      if (m[2] !== name) continue;
      const start = m.index! + m[0].indexOf(name, m[0].indexOf('model:') + 6);
      out.push({ file: e.file, start, end: start + name.length });
    }
  }
  return out;
}
