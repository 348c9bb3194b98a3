// The toolbar button: on any tab, it focuses an open iCloud Photos tab or opens one, with the panel.
// Playwright cannot click the browser's toolbar, so the test runs the very handler the click runs,
// inside the extension's own service worker with the real chrome.* APIs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { EXTENSION_DIR } from './fixtures.mjs';
import { launch } from './harness.mjs';
import { panelFrame } from './panel.mjs';

async function clickToolbar(context) {
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return worker.evaluate(() => globalThis.photoliftOpenPhotos());
}

const photosPages = (context) => context.pages().filter((p) => p.url().startsWith(PHOTOS_URL));

describe('toolbar button', () => {
  let standin, browser;
  before(async () => {
    standin = await startStandin();
    browser = await launch({ extensionDir: EXTENSION_DIR, standin });
  });
  after(async () => {
    await browser?.close();
    await standin?.close();
  });

  it('opens iCloud Photos with the panel when no such tab exists, then focuses that tab', async () => {
    const { context } = browser;
    const other = await context.newPage();
    await other.goto('about:blank');
    assert.equal(photosPages(context).length, 0);

    const opened = context.waitForEvent('page', { predicate: (p) => p.url().startsWith('https://www.icloud.com/') || p.url() === 'about:blank' });
    await clickToolbar(context);
    const page = await opened;
    await page.waitForURL(PHOTOS_URL);
    const panel = await panelFrame(page);
    assert.ok(await page.locator('iframe#photolift-panel').isVisible(), 'the panel is shown');
    assert.ok(await panel.locator('input[data-testid=photolift-files]').count(), 'the panel is ready for files');

    // Collapse the panel, go back to the other tab, click again: same tab, panel shown again.
    await panel.locator('button.hide').click();
    await page.waitForFunction(() => document.getElementById('photolift-panel').dataset.expanded === 'false');
    await other.bringToFront();
    await clickToolbar(context);
    await page.waitForFunction(() => document.getElementById('photolift-panel').dataset.expanded === 'true');
    assert.equal(photosPages(context).length, 1, 'no second iCloud Photos tab');
    assert.equal(await page.evaluate(() => document.visibilityState), 'visible');
  });
});
