// Saves workbench screenshots as test artifacts and checks them: a real PNG, not blank, with the expected text on screen.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { screenshotsDir } from './workspace.mjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// A blank 1400x900 workbench compresses to a few KB; anything real is well above this.
const MIN_BYTES = 12_000;

/**
 * Screenshots the page to .test-artifacts/screenshots/NAME.png. When `expectText` is given, that text must be
 * visible on the page at capture time. Returns the file path; throws when a check fails.
 */
export async function screenshot(page, name, { expectText } = {}) {
  mkdirSync(screenshotsDir, { recursive: true });
  if (expectText) {
    const visible = await page.getByText(expectText).first().isVisible().catch(() => false);
    if (!visible) throw new Error(`screenshot ${name}: "${expectText}" is not visible`);
  }
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  const bytes = readFileSync(file);
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`screenshot ${file} is not a PNG`);
  if (statSync(file).size < MIN_BYTES) throw new Error(`screenshot ${file} looks blank (${bytes.length} bytes)`);
  return file;
}
