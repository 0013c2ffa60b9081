// The dbt package hub's JSON API: `api/v1/<org>/<name>.json` lists a package's versions, each with its tarball and
// its own `packages`. The base URL is DBT_PACKAGE_HUB_URL, as in dbt, defaulting to hub.getdbt.com.
import { didYouMean } from '../../util/suggest';
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

  /** `warn` hears of packages the hub says have moved. */
  constructor(readonly baseUrl: string, private readonly warn: (text: string) => void = () => {}) {}

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
        throw new PackageError(`package ${name} is not on the package hub (${url} answered 404).${await this.suggest(name)}`);
      }
      throw e;
    }
    const moved = json as { namespace?: unknown; name?: unknown; redirectnamespace?: unknown; redirectname?: unknown };
    if (typeof moved?.redirectnamespace === 'string' || typeof moved?.redirectname === 'string') {
      const to = `${moved.redirectnamespace ?? moved.namespace}/${moved.redirectname ?? moved.name}`;
      this.warn(`warning: the package hub says ${name} has moved to ${to}; change packages.yml to the new name`);
    }
    return parseHubPackage(name, url, json);
  }

  /** " Did you mean 'org/name'?" from the hub's index, or nothing when the index can't be had. */
  private async suggest(name: string): Promise<string> {
    try {
      const index = await fetchJson(new URL('api/v1/index.json', this.baseUrl).toString(), 'the package hub');
      return Array.isArray(index) ? didYouMean(name, index.filter((x): x is string => typeof x === 'string')) : '';
    } catch {
      return '';
    }
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
