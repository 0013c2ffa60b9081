// How to format a project's models: the editor's indentation, overridden by the project's `.sqlfluff` where its
// options map onto the formatter (indent unit and size, keyword capitalisation).
import { parse as parseIni } from 'ini';
import type { FormatSettings } from './format';

export function formatSettingsFrom(sqlfluff: string | undefined, editor: { tabSize: number; insertSpaces: boolean }): FormatSettings {
  const settings: FormatSettings = { indent: { tabs: !editor.insertSpaces, width: editor.tabSize }, keywordCase: 'preserve' };
  if (!sqlfluff) return settings;
  let config: Record<string, Record<string, unknown> | undefined>;
  try {
    config = parseIni(sqlfluff) as typeof config;
  } catch {
    return settings;
  }
  const indentation = config['sqlfluff:indentation'];
  const unit = String(indentation?.indent_unit ?? '').trim();
  if (unit === 'tab' || unit === 'space') settings.indent.tabs = unit === 'tab';
  const size = Number(indentation?.tab_space_size);
  if (Number.isInteger(size) && size > 0 && size <= 16) settings.indent.width = size;
  // `ini` reads a dot in a section name as nesting: [sqlfluff:rules:capitalisation.keywords] is capitalisation → keywords.
  const keywords = config['sqlfluff:rules:capitalisation']?.keywords as Record<string, unknown> | undefined;
  const policy = String(keywords?.capitalisation_policy ?? config['sqlfluff:rules']?.capitalisation_policy ?? '').trim();
  if (policy === 'upper' || policy === 'lower') settings.keywordCase = policy;
  return settings;
}
