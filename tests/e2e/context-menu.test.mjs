// The context menu's "Upload to iCloud Photos" on an image of another web site (a gallery page the
// stand-in serves under its own host name). Native context menus cannot be clicked by automation,
// so the test runs the very handler the menu click runs, inside the extension's service worker
// with the real chrome.* APIs — without a user gesture, as Chromium gives its service worker a
// menu click, so the extension's ask page opens. The permission is then given as a user can give
// it: the site is added on chrome://extensions (Site access, through the calls that page's own
// control makes) and the ask page's button is clicked. (Chromium's own permission prompt, which
// the button shows when the site was not added, is browser UI that no automation reaches in
// headless mode.) Then the stand-in must have registered the image exactly once, as a valid JPEG
// with the gallery page's address in its XMP and a DateTimeOriginal from the image's Last-Modified.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GALLERY_HOST, PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { EXTENSION_DIR, identify, magick, tempDir } from './fixtures.mjs';
import { launch } from './harness.mjs';
import { panelFrame, rows, waitForSummary } from './panel.mjs';

const GALLERY = `https://${GALLERY_HOST}`;
const PAGE_URL = `${GALLERY}/trip/day-2.html`;
const IMAGE_URL = `${GALLERY}/photos/Sunset%20Pier.webp?w=800`;
const NOT_AN_IMAGE_URL = `${GALLERY}/photos/viewer`;
// The image's Last-Modified (HTTP dates have whole seconds): what becomes its DateTimeOriginal.
const LAST_MODIFIED = Date.UTC(2024, 4, 6, 7, 8, 9);

function exif(bytes, dir, tags) {
  const path = join(dir, `received-${Math.random().toString(36).slice(2)}.jpg`);
  writeFileSync(path, bytes);
  return JSON.parse(execFileSync('exiftool', ['-j', ...tags.map((t) => `-${t}`), path], { encoding: 'utf8' }))[0];
}

// What a click on the menu item runs, for the image at `srcUrl` on the page at `pageUrl`.
async function rightClickUpload(context, srcUrl, pageUrl) {
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  await worker.evaluate(({ srcUrl, pageUrl }) => globalThis.photoliftUploadImage({ srcUrl, pageUrl }), { srcUrl, pageUrl });
}

// Adds `origin` to the extension's site access on chrome://extensions, as the user can there
// ("On specific sites", add the site), then puts the setting back to "On all sites" (the iCloud
// pages must stay allowed); the site stays granted, so the ask page's request needs no prompt.
async function allowSiteOnExtensionsPage(context, extensionId, origin) {
  const settings = await context.newPage();
  await settings.goto(`chrome://extensions/?id=${extensionId}`);
  await settings.evaluate(async ({ id, origin }) => {
    await chrome.developerPrivate.updateExtensionConfiguration({ extensionId: id, hostAccess: 'ON_SPECIFIC_SITES' });
    await chrome.developerPrivate.addHostPermission(id, origin);
    await chrome.developerPrivate.updateExtensionConfiguration({ extensionId: id, hostAccess: 'ON_ALL_SITES' });
  }, { id: extensionId, origin });
  await settings.close();
}

describe('context menu: Upload to iCloud Photos', () => {
  let standin, browser, temp, webp;
  before(async () => {
    temp = tempDir();
    standin = await startStandin();
    webp = join(temp.dir, 'sunset.webp');
    magick(['-size', '96x64', 'gradient:orange-purple', webp]);
    standin.gallery.set('/trip/day-2.html', {
      type: 'text/html; charset=utf-8',
      body: Buffer.from('<!doctype html><title>Day 2</title><img src="/photos/Sunset%20Pier.webp?w=800" alt="Sunset">'),
    });
    standin.gallery.set('/photos/Sunset%20Pier.webp', { type: 'image/webp', body: readFileSync(webp), lastModified: LAST_MODIFIED });
    standin.gallery.set('/photos/viewer', { type: 'text/html', body: Buffer.from('<!doctype html><html><body>Viewer</body></html>') });
    browser = await launch({ extensionDir: EXTENSION_DIR, standin });
  });
  after(async () => {
    await browser?.close();
    await standin?.close();
    temp?.remove();
  });

  it('asks for the image\'s site once, uploads it exactly once as a JPEG with the page in its XMP; again: known', async () => {
    const { context, extensionId } = browser;
    const gallery = await context.newPage();
    await gallery.goto(PAGE_URL);
    assert.ok(await gallery.locator('img').evaluate((img) => img.complete && img.naturalWidth === 96), 'the gallery shows the image');

    // The click: no permission for the gallery yet, so the ask page opens (nothing is fetched).
    const askOpened = context.waitForEvent('page', { predicate: (p) => p.url().includes('/web-image.html') });
    await rightClickUpload(context, IMAGE_URL, PAGE_URL);
    const ask = await askOpened;
    await ask.waitForSelector('[data-testid=photolift-allow]');
    assert.match(await ask.locator('#why').textContent(), new RegExp(GALLERY_HOST.replaceAll('.', '\\.')));
    assert.equal(context.pages().filter((p) => p.url().startsWith(PHOTOS_URL)).length, 0, 'nothing opened before the permission');

    await allowSiteOnExtensionsPage(context, extensionId, `${GALLERY}/*`);
    const photosOpened = context.waitForEvent('page', { predicate: (p) => p.url().startsWith('https://www.icloud.com/') });
    await ask.locator('[data-testid=photolift-allow]').click();
    const photos = await photosOpened;
    await photos.waitForURL(PHOTOS_URL);
    const panel = await panelFrame(photos);

    await waitForSummary(panel, (s) => s.total === 1 && s.uploaded === 1);
    const [row] = await rows(panel);
    assert.equal(row.name, 'Sunset Pier.webp', 'listed under the name in its address');
    assert.equal(standin.state.received.length, 1);
    const [received] = standin.state.received;
    assert.equal(received.name, 'Sunset Pier.jpg');
    assert.deepEqual(identify(received.bytes), { width: 96, height: 64, format: 'JPEG' });
    const tags = exif(received.bytes, temp.dir, ['XMP-dc:Source', 'EXIF:DateTimeOriginal']);
    assert.equal(tags.Source, PAGE_URL, 'the page\'s address in XMP dc:source');
    assert.equal(tags.DateTimeOriginal, '2024:05:06 07:08:09', 'dated by the image\'s Last-Modified');

    // The same image again: allowed now, fetched again, known as uploaded, not sent again.
    await rightClickUpload(context, IMAGE_URL, PAGE_URL);
    const again = await waitForSummary(panel, (s) => s.total === 2 && s.skipped === 1);
    assert.equal(again.uploaded, 1);
    const second = (await rows(panel)).find((r) => r.state === 'skipped');
    // Known by its bytes: in this panel as the same photo as the first, in a later one as already
    // uploaded by photolift.
    assert.match(second.message, /same photo as Sunset Pier\.webp|already in iCloud Photos/i);
    assert.equal(standin.state.received.length, 1, 'not uploaded twice');
    assert.equal(context.pages().filter((p) => p.url().startsWith(PHOTOS_URL)).length, 1, 'the same iCloud Photos tab');
  });

  it('an address that is not an image says so in the panel, and nothing is uploaded', async () => {
    const { context } = browser;
    const photos = context.pages().find((p) => p.url().startsWith(PHOTOS_URL));
    const panel = await panelFrame(photos);
    await rightClickUpload(context, NOT_AN_IMAGE_URL, PAGE_URL);
    await waitForSummary(panel, (s) => s.total === 3 && s.skipped === 2);
    const row = (await rows(panel)).find((r) => r.name === 'viewer');
    assert.equal(row?.state, 'skipped');
    assert.match(row.message, /photolift-gallery\.test\/photos\/viewer is not an image, so nothing was uploaded/);
    assert.equal(standin.state.received.length, 1);
  });
});
