// `npm run demo -- --editor`, as a person uses it: `floe demo DIR --editor` builds the lakehouse, then prints a local
// URL where the project opens in VS Code with Floe loaded; Ctrl+C stops it all.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from '../workspace.mjs';

export const name = 'floe demo --editor prints a URL that opens the project with Floe';

export async function run({ page, workspace, screenshot, assert }) {
  const cli = spawn(process.execPath, [path.join(root, 'dist/cli.js'), 'demo', workspace, '--editor'], {
    cwd: root,
    env: { ...process.env, FLOE_DEMO_EDITOR_STATE: path.join(path.dirname(workspace), 'demo-editor-state') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so SIGINT reaches it and the editor script like a Ctrl+C in a terminal
  });
  let out = '';
  cli.stdout.on('data', (d) => (out += d));
  cli.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => cli.once('exit', (code, signal) => resolve(code ?? signal)));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Open http://…" line within 120 s; output:\n${out}`)), 120_000);
      const check = () => {
        const m = /^Open (http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      cli.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`floe demo --editor exited (${code}) before printing the URL:\n${out}`)));
    });
    assert(out.includes('Materializing gold marts'), `the demo should run before the editor opens:\n${out}`);
    assert(new URL(url).searchParams.get('folder') === workspace, `the URL should open ${workspace}: ${url}`);

    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
    await screenshot('workbench', { expectText: 'Floe: ready' });
  } finally {
    if (cli.exitCode === null) process.kill(-cli.pid, 'SIGINT');
  }
  const code = await exited;
  assert(code === 0, `floe demo --editor should stop cleanly on Ctrl+C, exited with ${code}:\n${out}`);
  assert(out.includes('Stopping code-server'), `Ctrl+C should stop code-server:\n${out}`);
}
