// Playwright helpers for driving the code-server workbench like a person: commands, quick open, editors, problems.
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Runs a command by its palette label (e.g. "Floe: Show Compiled SQL") through F1. */
export async function runCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${label}`);
  // Click the row with this label rather than pressing Enter: recently used commands may be listed first.
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().click();
}

/** Opens a workspace file through quick open, and waits for its tab. */
export async function openFile(page, relPath) {
  await page.keyboard.press(`${mod}+P`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relPath);
  const name = relPath.split('/').pop();
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await input.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await page.locator('.editor-instance .monaco-editor').first().click();
}

/** Replaces every occurrence of `find` with `replace` in the active editor, through the Replace widget. */
export async function replaceInEditor(page, find, replace) {
  await page.keyboard.press(`${mod}+H`);
  const findInput = page.locator('.find-widget textarea[aria-label="Find"]');
  await findInput.waitFor();
  await findInput.fill(find);
  const replaceInput = page.locator('.find-widget textarea[aria-label="Replace"]');
  await replaceInput.fill(replace);
  await replaceInput.press(`${mod}+Alt+Enter`);
  await page.keyboard.press('Escape');
}

/** Reverts the active editor and waits until its tab is no longer dirty. */
export async function revertActiveEditor(page) {
  await runCommand(page, 'File: Revert File');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
}

/** The status bar item of Floe (its text starts with "Floe"). */
export function floeStatus(page) {
  return page.locator('.statusbar-item', { hasText: /Floe:/ }).first();
}

/** Opens the Problems panel and returns a locator of its rows. */
export async function problemRows(page) {
  await runCommand(page, 'View: Focus Problems');
  await page.locator('.markers-panel').waitFor();
  return page.locator('.markers-panel .monaco-list-row');
}
