// A model's compiled SQL as dbt's compile writes it (target/compiled, the manifest's and run results' compiled_code):
// the one render with dbt's relation names (compileModel's naming 'dbt'), cut as dbt reads the file (asDbtCompiled),
// with its ephemeral upstreams injected as CTEs, theirs first, as dbt-core's _recursively_prepend_ctes does.
import { asDbtCompiled, compileModel } from './compile';
import { dbtNodeRelation, ephemeralCteName } from './dbtRelations';
import { injectCtes } from '../sql/injectCtes';
import type { RenderProblem } from '../jinja/render';
import type { DbtProject, ModelNode } from './project';

/** The SQL, or the first render problem met (in the model or in an ephemeral model it reads, `file`). */
export type DbtCompiled = { sql: string } | { problem: RenderProblem; file: string };

interface Cte { id: string; sql: string }
type Compiled = { sql: string; ctes: Cte[] } | { problem: RenderProblem; file: string };

/** `node` when the file alone does not say which node (a snapshot defined in YAML). */
export function dbtCompiledSql(project: DbtProject, file: string, node?: ModelNode): DbtCompiled {
  const done = compiledWithCtes(project, file, node, new Map(), new Set());
  return 'problem' in done ? done : { sql: injectCtes(done.sql, done.ctes.map((c) => c.sql)) };
}

/** The node's own compiled SQL and the CTEs dbt prepends to it, each ephemeral model compiled once per call. */
function compiledWithCtes(project: DbtProject, file: string, node: ModelNode | undefined, memo: Map<string, Compiled>, visiting: Set<string>): Compiled {
  const compiled = compileModel(project, file, { naming: 'dbt', node: node?.definition ? node : undefined });
  if (compiled.problem) return { problem: compiled.problem, file };
  const own = asDbtCompiled(node?.definition?.text ?? project.entry(file)?.text ?? '', compiled.sql);
  return ephemeralCtes(project, own, compiled.ephemerals ?? [], memo, visiting);
}

/**
 * SQL that reads ephemeral models (a model's, a generic test's) with the CTEs dbt injects for them, or the first
 * render problem of one of them.
 */
export function withEphemeralCtes(project: DbtProject, sql: string, ephemerals: ModelNode[]): DbtCompiled {
  const done = ephemeralCtes(project, sql, ephemerals, new Map(), new Set());
  return 'problem' in done ? done : { sql: injectCtes(done.sql, done.ctes.map((c) => c.sql)) };
}

function ephemeralCtes(project: DbtProject, own: string, ephemerals: ModelNode[], memo: Map<string, Compiled>, visiting: Set<string>): Compiled {
  const ctes: Cte[] = [];
  for (const ephemeral of ephemerals) {
    const id = `${ephemeral.packageName}.${ephemeral.name}`;
    if (visiting.has(id)) continue; // a cycle: the project reports it
    let upstream = memo.get(id);
    if (!upstream) {
      visiting.add(id);
      memo.set(id, (upstream = compiledWithCtes(project, ephemeral.file, ephemeral, memo, visiting)));
      visiting.delete(id);
    }
    if ('problem' in upstream) return upstream;
    for (const c of upstream.ctes) addCte(ctes, c);
    addCte(ctes, { id, sql: ` ${ephemeralCteName(dbtNodeRelation(project, ephemeral))} as (\n${upstream.sql}\n)` });
  }
  return { sql: own, ctes };
}

/** dbt's _add_prepended_cte: a CTE already listed keeps its place. */
function addCte(ctes: Cte[], cte: Cte): void {
  const same = ctes.find((c) => c.id === cte.id);
  if (same) same.sql = cte.sql;
  else ctes.push(cte);
}
