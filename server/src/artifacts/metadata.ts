// The metadata block every dbt artifact starts with, and what one CLI invocation knows of itself.
import { randomUUID } from 'node:crypto';

/** The dbt release whose artifact schemas (manifest v12, run results v6) Floe writes, for consumers that read dbt_version. */
export const FLOE_DBT_VERSION = '1.10.0';

export interface InvocationInfo {
  invocationId: string;
  /** ISO time the command started. */
  startedAt: string;
  /** The command (`run`, `build`, ...) and its flags, for run_results' `args`. */
  args: Record<string, unknown>;
}

export function newInvocation(args: Record<string, unknown>): InvocationInfo {
  return { invocationId: randomUUID(), startedAt: new Date().toISOString(), args };
}

export function artifactMetadata(schema: string, invocation: InvocationInfo): Record<string, unknown> {
  return {
    dbt_schema_version: schema,
    dbt_version: FLOE_DBT_VERSION,
    generated_at: new Date().toISOString(),
    invocation_id: invocation.invocationId,
    invocation_started_at: invocation.startedAt,
    env: {},
  };
}
