// Paths recorded in metadata of a table that was copied or moved: rebase them onto the table's actual folder,
// the way DuckDB's allow_moved_paths does (find the table folder in the recorded path, keep what follows).

function trimSlash(p: string): string { return p.replace(/\/+$/, ''); }

function segments(p: string): string[] {
  return p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * Rebases `recorded` onto `actualTableLocation`: the longest trailing run of the actual location's folders
 * (ending in the table folder) found in the recorded path marks where the table-relative part starts.
 * Returns `recorded` unchanged when no such run is found.
 */
export function resolveTablePath(recorded: string, actualTableLocation: string, recordedTableLocation?: string): string {
  const actual = trimSlash(actualTableLocation);
  if (recordedTableLocation !== undefined) {
    const base = trimSlash(recordedTableLocation).replace(/^\.\//, '');
    const rec = recorded.replace(/^\.\//, '');
    if (base !== '' && rec.startsWith(`${base}/`)) return `${actual}/${rec.slice(base.length + 1)}`;
  }
  const rec = segments(recorded);
  const act = segments(actual);
  // Try the longest suffix of the actual location first; a bare table-folder match is the last resort.
  for (let len = act.length; len >= 1; len--) {
    const suffix = act.slice(act.length - len);
    for (let start = rec.length - len - 1; start >= 0; start--) {
      let ok = true;
      for (let i = 0; i < len; i++) if (rec[start + i] !== suffix[i]) { ok = false; break; }
      if (ok) return `${actual}/${rec.slice(start + len).join('/')}`;
    }
  }
  return recorded;
}

/** A resolver for one table: paths under the recorded location are rebased by prefix; others by folder matching. */
export function tablePathResolver(recordedTableLocation: string, actualTableLocation: string | undefined): (p: string) => string {
  if (actualTableLocation === undefined || trimSlash(actualTableLocation) === trimSlash(recordedTableLocation)) return (p) => p;
  const cache = new Map<string, string>(); // per folder: recorded folder -> actual folder
  return (p) => {
    const slash = p.lastIndexOf('/');
    const dir = slash < 0 ? '' : p.slice(0, slash);
    let mapped = cache.get(dir);
    if (mapped === undefined) {
      mapped = slash < 0 ? '' : resolveTablePath(`${dir}/x`, actualTableLocation, recordedTableLocation).slice(0, -2);
      cache.set(dir, mapped);
    }
    return slash < 0 ? p : `${mapped}/${p.slice(slash + 1)}`;
  };
}
