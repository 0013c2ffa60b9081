// The language Floe contributes for dbt model files, and the documents the language server handles.
import type { DocumentFilter } from 'vscode-languageclient/node';

export const LANGUAGE_ID = 'floe-sql';

/** Model files plus the project's YAML (dbt_project.yml, profiles.yml, schema and source files) and Markdown (docs blocks). */
export const serverDocumentSelector: DocumentFilter[] = [
  { scheme: 'file', language: LANGUAGE_ID },
  { scheme: 'file', language: 'yaml', pattern: '**/*.{yml,yaml}' },
  { scheme: 'file', language: 'markdown', pattern: '**/*.md' },
];

/** Files whose changes on disk the server must hear about, even when they are not open. */
export const watchedFilesGlob = '**/{*.sql,*.yml,*.yaml,*.csv,*.md}';
