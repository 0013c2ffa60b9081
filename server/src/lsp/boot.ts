// Entry point of the language server process (dist/server.js): starts the server bundle (dist/server-main.js, from
// main.ts) through V8's code cache in the user's Floe cache folder ($FLOE_CACHE_DIR/code or ~/.cache/floe/code, beside
// the render and bind caches); FLOE_NO_CODE_CACHE=1 starts it with a plain require (A/B measurements).
// Kept tiny: what this file imports is compiled at every start.
import path from 'node:path';
import { runWithCodeCache } from '../util/codeCache';
import { cacheDir, FLOE_BUILD } from '../util/jsonlStore';

const main = path.join(__dirname, 'server-main.js');
if (process.env.FLOE_NO_CODE_CACHE === '1') {
  require(main);
} else {
  const run = runWithCodeCache(main, cacheDir('code'), FLOE_BUILD);
  // Written at exit, with everything this session compiled (the whole indexing path), unless it was used.
  if (run.state !== 'used' && run.state !== 'builtin') process.on('exit', () => run.save());
}
