// Quoting for SQL text Floe generates: every identifier and string literal goes through these two.

/** A quoted identifier (double quotes, doubled inside), safe for any name a catalog may hand us. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal in single quotes (doubled inside). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
