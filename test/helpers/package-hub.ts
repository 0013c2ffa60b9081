// A stand-in for the dbt package hub on loopback, speaking its JSON API (api/v1/index.json, api/v1/<org>/<name>.json
// with versions → downloads.tarball and each version's own packages) and serving the tarballs it lists, built like
// the hub's: a gzipped tar with one top folder. Also serves arbitrary files (plain tarball packages).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { create } from 'tar';

export interface HubRelease {
  /** `org/name` on the hub. */
  package: string;
  version: string;
  /** The project name (dbt_project.yml `name:`). */
  name: string;
  /** Its own packages.yml entries. */
  packages?: unknown[];
  /** Extra files in the package, relative path → text. */
  files?: Record<string, string>;
}

export interface PackageHub {
  url: string;
  /** Every request path, in order. */
  requests: string[];
  publish(release: HubRelease): Promise<void>;
  /** Serves `bytes` at `/files/<name>`; resolves to its URL. */
  serve(name: string, bytes: Buffer): string;
  /** Answers the next `times` requests whose path contains `part` with 503, as an overloaded hub does. */
  failNext(part: string, times: number): void;
  close(): Promise<void>;
}

/** A gzipped tarball of `files` under one top folder, as GitHub's archives (and so the hub's) are laid out. */
export async function packageTarball(top: string, files: Record<string, string>): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-hub-src-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, top, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, top, rel), text);
    }
    const file = path.join(dir, 'out.tgz');
    await create({ gzip: true, cwd: dir, file, portable: true }, [top]);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPackageHub(): Promise<PackageHub> {
  const releases = new Map<string, Map<string, HubRelease & { sha1: string }>>();
  const files = new Map<string, Buffer>();
  const requests: string[] = [];
  const failures: Array<{ part: string; times: number }> = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const send = (status: number, body: string | Buffer, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const failure = failures.find((f) => f.times > 0 && url.includes(f.part));
    if (failure) {
      failure.times--;
      return send(503, 'overloaded', 'text/plain');
    }
    if (url === '/api/v1/index.json') return send(200, JSON.stringify([...releases.keys()]));
    const pkg = /^\/api\/v1\/([^/]+)\/([^/]+)\.json$/.exec(url);
    if (pkg) {
      const name = `${decodeURIComponent(pkg[1])}/${decodeURIComponent(pkg[2])}`;
      const versions = releases.get(name);
      if (!versions) return send(404, JSON.stringify({ error: 'not found' }));
      const list = [...versions.values()];
      const body = {
        name: list[0].name,
        namespace: name.split('/')[0],
        description: `${name} (test hub)`,
        latest: list[list.length - 1].version,
        versions: Object.fromEntries(list.map((r) => [r.version, {
          id: `${name}/${r.version}`,
          name: r.name,
          version: r.version,
          published_at: '2024-01-01T00:00:00Z',
          packages: r.packages ?? [],
          works_with: [],
          _source: { type: 'github', url: `https://example.invalid/${name}/tree/${r.version}/`, readme: '' },
          downloads: { tarball: `${hub.url}tarballs/${name.replace('/', '-')}-${r.version}.tar.gz`, format: 'tgz', sha1: r.sha1 },
        }])),
      };
      return send(200, JSON.stringify(body));
    }
    const file = /^\/(?:tarballs|files)\/(.+)$/.exec(url);
    if (file && files.has(file[1])) return send(200, files.get(file[1])!, 'application/gzip');
    send(404, 'not found', 'text/plain');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hub: PackageHub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    async publish(release) {
      const top = `${release.package.replace('/', '-')}-${release.version}`;
      const tarball = await packageTarball(top, {
        'dbt_project.yml': `name: ${release.name}\nversion: '${release.version}'\nconfig-version: 2\n`,
        'macros/version.sql': `{% macro ${release.name}_version() %}'${release.version}'{% endmacro %}\n`,
        ...(release.packages?.length ? { 'packages.yml': `packages:\n${release.packages.map((p) => `  - ${JSON.stringify(p)}\n`).join('')}` } : {}),
        ...release.files,
      });
      files.set(`${top}.tar.gz`, tarball);
      const versions = releases.get(release.package) ?? new Map();
      versions.set(release.version, { ...release, sha1: createHash('sha1').update(tarball).digest('hex') });
      releases.set(release.package, versions);
    },
    serve(name, bytes) {
      files.set(name, bytes);
      return `${hub.url}files/${name}`;
    },
    failNext(part, times) {
      failures.push({ part, times });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return hub;
}
