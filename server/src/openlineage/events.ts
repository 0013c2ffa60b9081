// OpenLineage run events (spec 2-0-2) as plain data, with the facets Floe knows: the job's type and SQL, the parent run,
// an error message, datasets' schemas, and for Iceberg outputs the snapshot written (as the dataset version, as
// OpenLineage's Spark integration reports Iceberg) and its row count. No I/O.

export const OPENLINEAGE_PRODUCER = 'urn:floe:openlineage';
const SPEC = 'https://openlineage.io/spec';
const RUN_EVENT_SCHEMA = `${SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent`;

const FACET_SCHEMAS = {
  jobType: `${SPEC}/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
  sql: `${SPEC}/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet`,
  parent: `${SPEC}/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet`,
  errorMessage: `${SPEC}/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`,
  schema: `${SPEC}/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  version: `${SPEC}/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet`,
  outputStatistics: `${SPEC}/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet`,
} as const;

export type EventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

export interface LineageDataset {
  namespace: string;
  name: string;
  fields?: { name: string; type?: string }[];
  /** Outputs written to Iceberg: the snapshot id, as a decimal string (64-bit). */
  snapshotId?: string;
  /** Rows written, as a decimal string. */
  rows?: string;
}

export interface JobRef { namespace: string; name: string }

export interface LineageRun {
  runId: string;
  job: JobRef;
  /** dbt-ol's job types: MODEL, SEED, TEST, SNAPSHOT; JOB for the invocation. */
  jobType: string;
  sql?: string;
  inputs?: LineageDataset[];
  outputs?: LineageDataset[];
  parent?: { runId: string; job: JobRef };
}

type Json = Record<string, unknown>;

const facet = (kind: keyof typeof FACET_SCHEMAS, body: Json): Json => ({ _producer: OPENLINEAGE_PRODUCER, _schemaURL: FACET_SCHEMAS[kind], ...body });

/** One run event; `error` (FAIL) becomes the errorMessage run facet. */
export function runEvent(eventType: EventType, eventTime: string, run: LineageRun, error?: string): Json {
  const runFacets: Json = {};
  if (run.parent) runFacets.parent = facet('parent', { run: { runId: run.parent.runId }, job: { ...run.parent.job } });
  if (error !== undefined) runFacets.errorMessage = facet('errorMessage', { message: error, programmingLanguage: 'SQL' });
  const jobFacets: Json = {
    jobType: facet('jobType', { processingType: 'BATCH', integration: 'DBT', jobType: run.jobType }),
  };
  if (run.sql) jobFacets.sql = facet('sql', { query: run.sql, dialect: 'duckdb' });
  return {
    eventType,
    eventTime,
    producer: OPENLINEAGE_PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA,
    run: { runId: run.runId, facets: runFacets },
    job: { namespace: run.job.namespace, name: run.job.name, facets: jobFacets },
    inputs: (run.inputs ?? []).map((d) => datasetJson(d, false)),
    outputs: (run.outputs ?? []).map((d) => datasetJson(d, eventType === 'COMPLETE')),
  };
}

function datasetJson(d: LineageDataset, written: boolean): Json {
  const facets: Json = {};
  if (d.fields?.length) {
    facets.schema = facet('schema', { fields: d.fields.map((f, i) => ({ name: f.name, ...(f.type ? { type: f.type } : {}), ordinal_position: i + 1 })) });
  }
  if (written && d.snapshotId !== undefined) facets.version = facet('version', { datasetVersion: d.snapshotId });
  const out: Json = { namespace: d.namespace, name: d.name, facets };
  const rows = d.rows === undefined ? undefined : Number(d.rows);
  if (written && rows !== undefined && Number.isSafeInteger(rows)) out.outputFacets = { outputStatistics: facet('outputStatistics', { rowCount: rows }) };
  return out;
}
