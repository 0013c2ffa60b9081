// Which implementation a dispatching macro runs (`{% macro star(...) %}{{ return(adapter.dispatch('star', 'dbt_utils')(...)) }}`),
// as dbt picks it for the project's adapter and `dispatch:` order: for Go to Definition and hover of a macro call.
import type { DbtProject, MacroDefinition } from '../project/project';
import { dispatchesItself, dispatchSearch } from '../jinja/dispatchSearch';

const DISPATCH = /adapter\.dispatch\(\s*(?:macro_name\s*=\s*)?['"](\w+)['"]\s*(?:,\s*(?:macro_namespace\s*=\s*)?['"](\w+)['"])?/;

/**
 * The macro `def` dispatches to, called from a file of package `caller`; undefined when `def` does not dispatch, or
 * dbt's search finds nothing in the project's files (dbt's own implementations are not files here).
 */
export function dispatchedMacro(project: DbtProject, def: MacroDefinition, caller: string): MacroDefinition | undefined {
  const text = project.entry(def.file)?.text ?? '';
  const endTag = /\{%-?\s*endmacro/g;
  endTag.lastIndex = def.end;
  const body = text.slice(def.end, endTag.exec(text)?.index ?? text.length);
  const call = DISPATCH.exec(body);
  if (!call) return undefined;
  const [, name, namespace] = call;
  const search = dispatchSearch(name, namespace, { local: caller, root: project.name, dispatchOrder: project.settings.dispatch, adapter: project.target.adapter });
  for (const pkg of search.order) {
    for (const candidate of search.namesIn(pkg)) {
      const found = project.macro(candidate, pkg);
      if (!found || (found === def && candidate === name)) continue;
      const foundText = project.entry(found.file)?.text ?? '';
      if (candidate === name && dispatchesItself(foundText.slice(found.end, foundText.indexOf('endmacro', found.end)), name)) continue;
      return found;
    }
  }
  return undefined;
}
