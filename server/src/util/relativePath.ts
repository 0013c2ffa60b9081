// path.relative without its two path.resolve calls in the common case: on POSIX, a resolved path under a resolved
// folder. The selectable graph asks it for every node (2,442 models × packages on a large project: ~0.5 s a rebuild).
import path from 'node:path';

/** Whether `p` is what path.resolve would make of it (absolute, normalized, no trailing separator but the root's). */
function resolved(p: string): boolean {
  return p.startsWith('/') && (p === '/' || !p.endsWith('/')) && !p.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(p);
}

/** Exactly path.relative(from, to). */
export function relativePath(from: string, to: string): string {
  if (path.sep === '/' && resolved(from) && resolved(to)) {
    if (to === from) return '';
    if (from === '/') return to.slice(1);
    if (to.startsWith(from) && to.charCodeAt(from.length) === 47 /* / */) return to.slice(from.length + 1);
  }
  return path.relative(from, to);
}

/** Whether `file` is `folder` or under it, as `!path.relative(folder, file).startsWith('..')` says. */
export function notAbove(folder: string, file: string): boolean {
  if (path.sep === '/' && resolved(folder) && resolved(file)) {
    if (file === folder) return true;
    // under the folder: the rest; elsewhere path.relative climbs out of the folder first (`../`)
    const under = folder === '/' ? file.slice(1) : file.startsWith(folder) && file.charCodeAt(folder.length) === 47 ? file.slice(folder.length + 1) : undefined;
    return under !== undefined && !under.startsWith('..');
  }
  return !path.relative(folder, file).startsWith('..');
}
