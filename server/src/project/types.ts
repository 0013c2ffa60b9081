// Plain data shared by the project model and the features: offsets, positions, diagnostics, columns.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem in one file, at template offsets [start, end). */
export interface ProjectDiagnostic {
  file: string;
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  /** The did-you-mean of the message as an edit: [start, end) reads `replaces`, which the author likely meant as `with`. */
  fix?: NameFix;
}

/** A name written wrong and the known name it likely means (a quick fix replaces the one with the other). */
export interface NameFix {
  replaces: string;
  with: string;
}

export interface Column {
  name: string;
  /** DuckDB type name when known (e.g. BIGINT, VARCHAR, DECIMAL(18,2)). */
  type?: string;
  description?: string;
  /** Column constraints declared in schema YAML (`constraints: [{type: not_null}]`), by type. */
  constraints?: string[];
  /** The Iceberg field id, for a source column read from the catalog (links survive a column rename). */
  fieldId?: number;
}

/** A place in a file: used for definitions and references. */
export interface Location {
  file: string;
  start: number;
  end: number;
}
