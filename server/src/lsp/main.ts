// The language server (bundled to dist/server-main.js, started by boot.ts as dist/server.js). The transport (--node-ipc, --stdio)
// comes from the command line; the server never exits on an internal error.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (e) => connection.console.error(`floe: uncaught: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`floe: unhandled rejection: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
startServer(connection);
