// `./build.sh demo --screenshots DIR`: pictures of the panel on the iCloud Photos stand-in in the
// states a user meets, so anyone can look at it without running a browser by hand. Each state is a
// PNG of the whole page (the panel in its place over the Photos app); `screenshots.json` beside them
// names each file with the state it shows and where the panel is in it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { TEST_SETTINGS, configurePanel, corruptCopies, makeMixedFolder, waitUntil } from './bulk-fixtures.mjs';
import { EXTENSION_DIR, tempDir } from './fixtures.mjs';
import { appFrame, launch } from './harness.mjs';
import { clickInPanel, panelFrame, summary, waitForSummary } from './panel.mjs';

const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 720, height: 800 };
// Slow enough that a screenshot catches the upload half way, fast enough to finish in seconds.
const UPLINK_BYTES_PER_SEC = 20_000;

/**
 * Writes the screenshots into `dir`; resolves to the list written ({state, file, panel: {x, y,
 * width, height}, language: the panel's lang}). `languages`: the UI languages to picture beyond English (each in its own
 * browser, since a browser's UI language is fixed at start).
 */
export async function writeScreenshots(dir, { languages = ['zh_CN'] } = {}) {
  mkdirSync(dir, { recursive: true });
  const standin = await startStandin();
  const fixtures = tempDir('photolift-screenshots-');
  const shots = [];
  try {
    await inEnglish({ standin, fixtures, dir, shots });
    for (const language of languages) await inLanguage({ standin, fixtures, dir, shots, language });
  } finally {
    await standin.close();
    fixtures.remove();
  }
  writeFileSync(join(dir, 'screenshots.json'), `${JSON.stringify(shots, null, 2)}\n`);
  return shots;
}

async function inEnglish({ standin, fixtures, dir, shots }) {
  const browser = await launch({ extensionDir: EXTENSION_DIR, standin });
  try {
    await configurePanel(browser.context, TEST_SETTINGS);
    const { page, panel } = await openPanel(browser.context, WIDE);
    await take(page, dir, shots, 'idle');

    // Uploading: a mixed folder (HEIC, PNG, JPEG) with two damaged photos, over a slow uplink.
    const folder = makeMixedFolder(join(fixtures.dir, 'en'), 24, { prefix: 'TRIP_' });
    const bad = corruptCopies(join(fixtures.dir, 'en'), 2, { prefix: 'damaged-' });
    standin.setFaults({ bandwidthBytesPerSec: UPLINK_BYTES_PER_SEC });
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([...folder.paths, ...bad.map((b) => b.path)]);
    const total = folder.paths.length + bad.length;
    await waitForSummary(panel, (s) => s.state === 'running' && s.uploaded >= 4, 90_000);
    await take(page, dir, shots, 'uploading');

    standin.setFaults({});
    await waitForSummary(panel, (s) => s.total === total && s.state === 'done', 120_000);
    await take(page, dir, shots, 'done');

    await page.emulateMedia({ colorScheme: 'dark' });
    await take(page, dir, shots, 'dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.setViewportSize(NARROW);
    await take(page, dir, shots, 'narrow');
    await page.setViewportSize(WIDE);

    await collapse(page, panel);
    await take(page, dir, shots, 'collapsed');
  } finally {
    await browser.close();
  }
}

async function inLanguage({ standin, fixtures, dir, shots, language }) {
  standin.reset();
  const browser = await launch({ extensionDir: EXTENSION_DIR, standin, uiLanguage: language.replace('_', '-') });
  try {
    await configurePanel(browser.context, TEST_SETTINGS);
    const { page, panel } = await openPanel(browser.context, WIDE);
    const folder = makeMixedFolder(join(fixtures.dir, language), 8, { prefix: 'LANG_' });
    const bad = corruptCopies(join(fixtures.dir, language), 1, { prefix: 'damaged-' });
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([...folder.paths, ...bad.map((b) => b.path)]);
    await waitForSummary(panel, (s) => s.total === folder.paths.length + bad.length && s.state === 'done', 90_000);
    await take(page, dir, shots, `done-${language}`);
  } finally {
    await browser.close();
  }
}

async function openPanel(context, viewport) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(PHOTOS_URL);
  await appFrame(page);
  const panel = await panelFrame(page);
  return { page, panel };
}

async function collapse(page, panel) {
  const before = (await summary(panel)).state;
  await clickInPanel(page, panel.locator('[data-testid=photolift-toggle]'));
  await waitUntil(async () => (await panel.locator('.panel').getAttribute('data-expanded')) === 'false', {
    timeout: 5000, what: 'the panel collapsed',
  });
  if ((await summary(panel)).state !== before) throw new Error('collapsing changed the upload state');
}

// Waits for the panel's frame to have settled its layout (two animation frames), then pictures the page.
async function take(page, dir, shots, state) {
  const frame = page.locator('iframe#photolift-panel');
  await (await frame.elementHandle()).contentFrame().then((f) => f.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(resolve));
  })));
  const box = await frame.boundingBox();
  const language = await (await frame.elementHandle()).contentFrame().then((f) => f.evaluate(() => document.documentElement.lang));
  const file = `${shots.length + 1}-${state}.png`;
  await page.screenshot({ path: join(dir, file) });
  shots.push({ state, file, language, viewport: page.viewportSize(), panel: box });
}
