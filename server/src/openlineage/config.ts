// Where OpenLineage events go, configured as OpenLineage's own clients (Python, Java) configure it: OPENLINEAGE_DISABLED
// turns it off; an openlineage.yml (OPENLINEAGE_CONFIG, else ./openlineage.yml, else ~/.openlineage/openlineage.yml)
// with an http or file transport; else OPENLINEAGE_URL (+ OPENLINEAGE_ENDPOINT, default api/v1/lineage, and
// OPENLINEAGE_API_KEY sent as a Bearer token). Nothing configured: no events. Job namespace: OPENLINEAGE_NAMESPACE, as
// dbt-ol reads it; OPENLINEAGE_PARENT_ID (`namespace/job/runId`, as Airflow passes it to dbt-ol) parents the invocation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export type LineageTransport =
  | { type: 'http'; url: string; endpoint: string; apiKey?: string; timeoutMs: number }
  /** As the Python client's file transport: one file of JSON lines with append, else a file per event (`<file>-<time>.json`). */
  | { type: 'file'; file: string; append: boolean };

export interface LineageConfig {
  transport: LineageTransport;
  /** The job namespace. */
  namespace: string;
  /** The run that started this invocation (an orchestrator's task), when given. */
  parent?: { namespace: string; name: string; runId: string };
}

/** The configuration, or undefined when lineage is off; `problems` are warnings for a config that cannot be used. */
export function lineageConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), home = os.homedir()): { config?: LineageConfig; problems: string[] } {
  const problems: string[] = [];
  if ((env.OPENLINEAGE_DISABLED ?? '').trim().toLowerCase() === 'true') return { problems };
  const transport = fileTransport(env, cwd, home, problems) ?? envTransport(env, problems);
  if (!transport) return { problems };
  return { config: { transport, namespace: env.OPENLINEAGE_NAMESPACE || 'default', parent: parentOf(env.OPENLINEAGE_PARENT_ID, problems) }, problems };
}

const DEFAULT_TIMEOUT_SECONDS = 5;

function envTransport(env: NodeJS.ProcessEnv, problems: string[]): LineageTransport | undefined {
  const url = env.OPENLINEAGE_URL?.trim();
  if (!url) return undefined;
  if (!isHttpUrl(url)) {
    problems.push(`OPENLINEAGE_URL is not an http(s) URL ('${url}'): no lineage is sent`);
    return undefined;
  }
  return { type: 'http', url, endpoint: env.OPENLINEAGE_ENDPOINT ?? 'api/v1/lineage', apiKey: env.OPENLINEAGE_API_KEY || undefined, timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 };
}

function configFile(env: NodeJS.ProcessEnv, cwd: string, home: string): string | undefined {
  const candidates = [env.OPENLINEAGE_CONFIG, path.join(cwd, 'openlineage.yml'), path.join(home, '.openlineage', 'openlineage.yml')];
  return candidates.find((f): f is string => !!f && fs.statSync(f, { throwIfNoEntry: false })?.isFile() === true);
}

function fileTransport(env: NodeJS.ProcessEnv, cwd: string, home: string, problems: string[]): LineageTransport | undefined {
  const file = configFile(env, cwd, home);
  if (!file) return undefined;
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${file} is not valid YAML (${(e as Error).message.split('\n')[0]}): it is ignored`);
    return undefined;
  }
  const t = (doc as { transport?: Record<string, unknown> } | null)?.transport;
  if (!t || typeof t !== 'object') return undefined;
  const type = String(t.type ?? '');
  if (type === 'http') {
    const url = typeof t.url === 'string' ? t.url : '';
    if (!isHttpUrl(url)) {
      problems.push(`${file}: transport.url must be an http(s) URL: no lineage is sent`);
      return undefined;
    }
    const auth = t.auth as Record<string, unknown> | undefined;
    const apiKey = auth?.type === 'api_key' ? auth.apiKey ?? auth.api_key ?? auth.apikey : undefined;
    const timeout = typeof t.timeout === 'number' && t.timeout > 0 ? t.timeout : DEFAULT_TIMEOUT_SECONDS;
    return { type: 'http', url, endpoint: typeof t.endpoint === 'string' ? t.endpoint : 'api/v1/lineage', apiKey: typeof apiKey === 'string' ? apiKey : undefined, timeoutMs: timeout * 1000 };
  }
  if (type === 'file') {
    const target = t.log_file_path ?? t.logFilePath;
    if (typeof target !== 'string' || !target) {
      problems.push(`${file}: a file transport needs log_file_path: no lineage is sent`);
      return undefined;
    }
    const local = target.startsWith('file://') ? fileURLToPath(target) : target;
    return { type: 'file', file: path.resolve(cwd, local), append: t.append === true };
  }
  problems.push(`${file}: transport type '${type}' is not one Floe sends to (http, file): no lineage is sent`);
  return undefined;
}

function parentOf(value: string | undefined, problems: string[]): LineageConfig['parent'] {
  if (!value) return undefined;
  // namespace/job/runId; a job name may itself hold slashes, the run id is the last part and the namespace the first.
  const parts = value.split('/');
  if (parts.length < 3 || !UUID.test(parts[parts.length - 1])) {
    problems.push(`OPENLINEAGE_PARENT_ID must be namespace/job_name/run_uuid, got '${value}': the invocation has no parent`);
    return undefined;
  }
  return { namespace: parts[0], name: parts.slice(1, -1).join('/'), runId: parts[parts.length - 1] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** The endpoint's URL as messages may show it: no userinfo, query or fragment (where secrets would hide). */
export function displayUrl(transport: LineageTransport): string {
  if (transport.type === 'file') return transport.file;
  const u = endpointUrl(transport);
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** The endpoint under the URL's path (http://host:5000 + api/v1/lineage → http://host:5000/api/v1/lineage). */
export function endpointUrl(transport: Extract<LineageTransport, { type: 'http' }>): URL {
  const base = transport.url.endsWith('/') ? transport.url : `${transport.url}/`;
  return new URL(transport.endpoint.replace(/^\/+/, ''), base);
}
