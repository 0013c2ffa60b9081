// Namespace and table names on the wire: levels joined by the unit separator (%1F in paths), per the REST spec.
import type { TableIdentifier } from '../iceberg/spec';

export const NAMESPACE_SEPARATOR = '\u001f';

/** The path segment for a namespace: each level percent-encoded, levels joined by %1F. */
export function namespaceToPath(namespace: string[]): string {
  return namespace.map(encodeURIComponent).join('%1F');
}

/** The decoded path parameter of a namespace split into its levels. */
export function namespaceFromParam(decoded: string): string[] {
  return decoded.split(NAMESPACE_SEPARATOR);
}

/** `a.b.table` style display name for messages. */
export function tableDisplayName(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.');
}

export function namespaceDisplayName(namespace: string[]): string {
  return namespace.join('.');
}

/**
 * Why a namespace level or table name cannot be stored as a folder name, or undefined when it can.
 * Guards the local catalog's warehouse folder against names that would escape it.
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return `'${name}' is not allowed`;
  if (name.startsWith('.')) return 'starts with a dot';
  if (/[/\\\0]/.test(name)) return 'contains a slash, backslash or NUL';
  if (/[\u0000-\u001f]/.test(name)) return 'contains a control character';
  if (Buffer.byteLength(name) > 200) return 'is longer than 200 bytes';
  return undefined;
}

/** `a.b.table` → namespace [a, b] and table; undefined unless there is a namespace and no empty part. */
export function parseTableName(text: string): TableIdentifier | undefined {
  const parts = text.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) return undefined;
  return { namespace: parts.slice(0, -1), name: parts[parts.length - 1] };
}
