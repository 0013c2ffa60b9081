// A Floe VSIX carries DuckDB's native binding for one platform (server/tools/package.mjs), and "Install from VSIX"
// does not check a VSIX's target platform. Installed on another machine, the server cannot load DuckDB: say which
// VSIX to install instead of letting the engine fail with a module error.
import * as fs from 'node:fs';
import * as path from 'node:path';

const PREFIX = 'node-bindings-';

/** The platforms of the DuckDB bindings an extension folder carries ('linux-x64', ...); none outside a VSIX layout. */
export function packagedBindings(extensionPath: string): string[] {
  try {
    return fs.readdirSync(path.join(extensionPath, 'node_modules', '@duckdb'))
      .filter((name) => name.startsWith(PREFIX))
      .map((name) => name.slice(PREFIX.length));
  } catch {
    return [];
  }
}

/** What to tell the user when no binding fits `here` (`${process.platform}-${process.arch}`); undefined when one does. */
export function wrongPlatformMessage(bindings: string[], here: string): string | undefined {
  // linux-x64-musl also fits linux-x64: @duckdb/node-bindings picks between them at run time.
  if (bindings.length === 0 || bindings.some((b) => b === here || b.startsWith(`${here}-`))) return undefined;
  return `This Floe VSIX is built for ${bindings.join(', ')}, but VS Code runs on ${here}: previews, materialize and SQL ` +
    `checks need DuckDB for ${here}. Install floe-${here}.vsix instead.`;
}
