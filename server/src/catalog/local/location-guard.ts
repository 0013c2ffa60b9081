// Where a table of the local catalog may live. As in Polaris, a table location may not equal, contain or lie inside
// another table's location, and (ours) never overlap the catalog's own state folder: a purge of one table must not be
// able to reach another table's files or the catalog itself.
import path from 'node:path';
import { isS3Uri } from '../../storage/factory';
import { localPathOf } from '../../storage/local';
import { RestError } from './rest-error';

/** One spelling per location: a resolved local path, or an s3:// URI (s3a/s3n folded), without trailing slashes. */
export function locationKey(location: string): string {
  if (isS3Uri(location)) return location.replace(/^s3[an]:\/\//, 's3://').replace(/\/+$/, '');
  return localPathOf(location).replace(/\/+$/, '') || '/';
}

/** True when a lies inside b (strictly). */
export function isInside(a: string, b: string): boolean {
  const sep = isS3Uri(b) ? '/' : path.sep;
  return a.startsWith(b.endsWith(sep) ? b : `${b}${sep}`);
}

/** True when two location keys are equal or one contains the other. */
export function overlaps(a: string, b: string): boolean {
  return a === b || isInside(a, b) || isInside(b, a);
}

/** Polaris's answer for a location that collides with another entity (403 ForbiddenException). */
export function locationConflict(location: string, other: string, what: string): RestError {
  return new RestError(403, 'ForbiddenException', `Unable to create table at location '${location}' because it conflicts with ${what} at location '${other}'`);
}

/** The location a metadata file written by a catalog implies: `<location>/metadata/<file>`. */
export function locationOfMetadataFile(metadataLocation: string): string {
  return metadataLocation.replace(/\/metadata\/[^/]+$/, '');
}
