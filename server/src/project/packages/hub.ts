// The dbt package hub's JSON API: `api/v1/<org>/<name>.json` lists a package's versions, each with its tarball and
// its own `packages`. The base URL is DBT_PACKAGE_HUB_URL, as in dbt, defaulting to hub.getdbt.com.
import { PackageError } from './errors';
import { HttpStatusError, fetchJson } from './download';

export const DEFAULT_HUB_URL = 'https://hub.getdbt.com/';

export interface HubVersion {
  /** The package's project name, which is the folder it installs as. */
  name: string;
  version: string;
  /** Its own dependencies, as packages.yml entries. */
  packages: unknown[];
  tarball: string;
  /** sha1 of the tarball when the hub gives one. */
  sha1?: string;
}

export interface HubPackage {
  name: string;
  versions: Map<string, HubVersion>;
}

export function hubUrl(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.DBT_PACKAGE_HUB_URL?.trim() || DEFAULT_HUB_URL;
  return base.endsWith('/') ? base : `${base}/`;
}

export class HubClient {
  private readonly cache = new Map<string, Promise<HubPackage>>();

  constructor(readonly baseUrl: string) {}

  package(name: string): Promise<HubPackage> {
    let found = this.cache.get(name);
    if (!found) {
      found = this.load(name);
      this.cache.set(name, found);
    }
    return found;
  }

  private async load(name: string): Promise<HubPackage> {
    const url = new URL(`api/v1/${name.split('/').map(encodeURIComponent).join('/')}.json`, this.baseUrl).toString();
    let json: unknown;
    try {
      json = await fetchJson(url, 'the package hub');
    } catch (e) {
      if (e instanceof HttpStatusError && e.status === 404) {
        throw new PackageError(`package ${name} is not on the package hub (${url} answered 404); check the name on hub.getdbt.com`);
      }
      throw e;
    }
    return parseHubPackage(name, url, json);
  }
}

function parseHubPackage(name: string, url: string, json: unknown): HubPackage {
  const doc = json as { name?: unknown; versions?: unknown };
  if (!doc || typeof doc.versions !== 'object' || doc.versions === null) throw new PackageError(`the package hub's answer for ${name} at ${url} has no versions`);
  const versions = new Map<string, HubVersion>();
  for (const [version, raw] of Object.entries(doc.versions as Record<string, unknown>)) {
    const v = raw as { name?: unknown; packages?: unknown; downloads?: { tarball?: unknown; sha1?: unknown } };
    const tarball = v?.downloads?.tarball;
    if (typeof tarball !== 'string') continue;
    versions.set(version, {
      name: typeof v.name === 'string' ? v.name : typeof doc.name === 'string' ? doc.name : name.split('/')[1],
      version,
      packages: Array.isArray(v.packages) ? v.packages : [],
      tarball,
      sha1: typeof v.downloads?.sha1 === 'string' ? v.downloads.sha1 : undefined,
    });
  }
  return { name: typeof doc.name === 'string' ? doc.name : name.split('/')[1], versions };
}
