// iCloud Photos as it uploads today (four requests on two hosts, the outcome inside putAsset's JSON
// answer), and the page as users meet it: every photo is judged by its registration, a refusal is
// never remembered as uploaded, a slow line never makes a file "never started", every way the page
// may send the bytes gives the same result, the localised pages work, and a page photolift does not
// know stops it cleanly with diagnostics that leak nothing.
// Run: node --test tests/e2e/todays-flow.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import {
  TEST_SETTINGS, allRows, clearExtensionStorage, configurePanel, extensionWorker, makeMixedFolder, photoUploads,
  rememberedKeys, uniqueJpeg, waitUntil,
} from './bulk-fixtures.mjs';
import { CORPUS, EXTENSION_DIR, identify, magick } from './fixtures.mjs';
import { appFrame, useStandinWithExtension } from './harness.mjs';
import { clickInPanel, panelFrame, rows, settled, summary, waitForSummary } from './panel.mjs';

// Each localised page's Download button, the trap beside Upload once a photo is selected.
const DOWNLOAD_LABELS = { 'en-us': 'Download', 'zh-cn': '下载', 'de-de': 'Herunterladen', 'fr-fr': 'Télécharger', 'ja-jp': 'ダウンロード' };
const LOCALES = Object.keys(DOWNLOAD_LABELS);
const TAKEN = '2019:07:14 18:30:00';

function exif(bytes, dir) {
  const path = join(dir, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.jpg`);
  writeFileSync(path, bytes);
  const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-n', '-DateTimeOriginal', '-GPSLatitude', '-GPSLongitude', path], { encoding: 'utf8' }));
  return tags;
}

// A HEIC, a PNG and a JPEG with a camera date and a position, each its own bytes (`tag` differs).
function cameraPhotos(dir, tag) {
  mkdirSync(dir, { recursive: true });
  const heic = join(dir, `${tag}-phone.heic`);
  copyFileSync(join(CORPUS, 'heic', 'example.heic'), heic);
  const png = join(dir, `${tag}-screen.png`);
  magick(['-size', '320x200', 'gradient:red-blue', '-comment', tag, png]);
  const jpeg = join(dir, `${tag}-camera.jpg`);
  magick(['-size', '240x160', 'plasma:fractal', '-seed', String(tag.length * 7), '-comment', tag, '-quality', '90', jpeg]);
  const paths = [heic, png, jpeg];
  execFileSync('exiftool', ['-q', '-overwrite_original', `-EXIF:DateTimeOriginal=${TAKEN}`, `-EXIF:ImageDescription=${tag}`,
    '-GPSLatitude=48.8584', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E', ...paths]);
  const modified = new Date('2021-06-05T14:30:00Z');
  for (const path of paths) utimesSync(path, modified, modified);
  return { paths, uploadedNames: [`${tag}-phone.jpg`, `${tag}-screen.jpg`, `${tag}-camera.jpg`] };
}

describe("iCloud Photos as it uploads today", () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  // A fresh page each time, one at a time (one panel uploads at a time), on a clean server and a
  // clean extension memory.
  async function openPanel({ withApp = true } = {}) {
    for (const open of env.browser.context.pages()) await open.close();
    const page = await env.browser.context.newPage();
    await page.goto(PHOTOS_URL);
    if (withApp) await appFrame(page);
    return { page, panel: await panelFrame(page) };
  }
  const pick = (panel, paths) => panel.locator('input[data-testid=photolift-files]').setInputFiles(paths);

  beforeEach(async () => {
    env.standin.reset();
    await clearExtensionStorage(env.browser.context);
    await configurePanel(env.browser.context, TEST_SETTINGS);
  });

  it('a registration refused for good fails the row with Apple\'s words; the photo is not remembered and goes up when dropped again', { timeout: 90_000 }, async () => {
    const { paths } = cameraPhotos(join(env.fixtures.dir, 'refused'), 'REFUSED');
    env.standin.setFaults({ putAssetEntry: { status: 400, isRetryable: false, errorMessage: 'Unsupported asset', names: ['REFUSED-camera.jpg'], count: 1 } });
    let { panel } = await openPanel();
    await pick(panel, paths);
    const done = await waitForSummary(panel, settled(3), 60_000);
    assert.deepEqual({ uploaded: done.uploaded, failed: done.failed }, { uploaded: 2, failed: 1 }, JSON.stringify(done));
    const refused = (await rows(panel)).find((r) => r.name === 'REFUSED-camera.jpg');
    assert.equal(refused.state, 'failed');
    assert.match(refused.message, /Unsupported asset/, 'the row shows what iCloud said');
    const entries = env.standin.state.attempts.filter((a) => a.kind === 'putAssetEntry' && a.name === 'REFUSED-camera.jpg');
    assert.deepEqual(entries.map((a) => a.status), [400], 'a refusal for good is not tried again');
    assert.equal(env.standin.state.received.length, 2);

    // Dropped again (a new page, the memory kept): it was never remembered as uploaded, so it goes up.
    ({ panel } = await openPanel());
    await pick(panel, [paths[2]]);
    const again = await waitForSummary(panel, settled(1), 60_000);
    assert.equal(again.uploaded, 1, JSON.stringify(again));
    assert.deepEqual(env.standin.state.received.map((r) => r.name).sort(), ['REFUSED-camera.jpg', 'REFUSED-phone.jpg', 'REFUSED-screen.jpg']);
  });

  it('a photo iCloud already holds (a 409 entry): the row says so, it counts as uploaded, nothing is sent again', { timeout: 90_000 }, async () => {
    const { paths } = cameraPhotos(join(env.fixtures.dir, 'dup'), 'DUP');
    let { panel } = await openPanel();
    await pick(panel, [paths[2]]);
    await waitForSummary(panel, (s) => settled(1)(s) && s.uploaded === 1, 60_000);
    // Another computer's upload, as far as this browser knows: its memory is gone.
    await clearExtensionStorage(env.browser.context);
    await configurePanel(env.browser.context, TEST_SETTINGS);
    const uploadsBefore = photoUploads(env.standin).length;

    ({ panel } = await openPanel());
    await pick(panel, [paths[2]]);
    const done = await waitForSummary(panel, settled(1), 60_000);
    assert.deepEqual({ uploaded: done.uploaded, failed: done.failed }, { uploaded: 1, failed: 0 });
    const [row] = await rows(panel);
    assert.equal(row.state, 'uploaded');
    assert.match(row.message, /already (had|in)/i);
    const entries = env.standin.state.attempts.filter((a) => a.kind === 'putAssetEntry');
    assert.deepEqual(entries.map((a) => a.status), [200, 409]);
    assert.equal(photoUploads(env.standin).length - uploadsBefore, 1, 'sent once, not again after the 409');
    assert.equal(env.standin.state.received.length, 1);
  });

  it('20 twelve-megapixel photos through a 2 MB/s line: none marked never-started or sent twice while the page sends; exactly 20 registered', { timeout: 180_000 }, async () => {
    const dir = join(env.fixtures.dir, 'big');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, 'base.jpg');
    magick(['-size', '4000x3000', 'gradient:navy-orange', '-attenuate', '0.4', '+noise', 'Gaussian', '-quality', '80', base]);
    assert.deepEqual(identify(base), { width: 4000, height: 3000, format: 'JPEG' });
    const baseBytes = readFileSync(base);
    const paths = Array.from({ length: 20 }, (_, i) => {
      const path = join(dir, `BIG_${String(i).padStart(2, '0')}.jpg`);
      writeFileSync(path, uniqueJpeg(baseBytes, `big ${i}`));
      return path;
    });
    const totalBytes = paths.reduce((sum, p) => sum + statSync(p).size, 0);
    env.standin.setFaults({ bandwidthBytesPerSec: 2_000_000 });
    const { panel } = await openPanel();
    const started = Date.now();
    await pick(panel, paths);
    const done = await waitForSummary(panel, settled(20), 160_000);
    assert.ok(Date.now() - started >= totalBytes / 2_000_000 * 1000 * 0.9, 'the line really was slow');
    assert.deepEqual({ uploaded: done.uploaded, failed: done.failed }, { uploaded: 20, failed: 0 }, JSON.stringify(done));
    for (const row of await allRows(panel)) assert.doesNotMatch(row.message, /did not (start|finish)/, `${row.name}: ${row.message}`);
    const uploads = photoUploads(env.standin);
    assert.equal(uploads.length, 20, 'each photo\'s bytes were sent once');
    assert.equal(env.standin.state.received.length, 20);
  });

  const VARIANTS = [
    { label: 'the File itself', variant: { body: 'file' } },
    { label: 'a Blob slice', variant: { body: 'blob' } },
    { label: 'an ArrayBuffer', variant: { body: 'arraybuffer' } },
    { label: 'fetch, no upload progress', variant: { transport: 'fetch', body: 'blob' } },
    { label: 'the page\'s own worker', variant: { realm: 'worker', body: 'arraybuffer' } },
    { label: 'one putAsset per file', variant: { reserve: 'file', putAssetBatch: 1 } },
  ];
  for (const { label, variant } of VARIANTS) {
    it(`bytes sent as ${label}: every photo registered once, a valid JPEG with its date and position`, { timeout: 90_000 }, async () => {
      const tag = `V${VARIANTS.findIndex((v) => v.label === label)}`;
      const photos = cameraPhotos(join(env.fixtures.dir, tag), tag);
      env.standin.setVariant(variant);
      const { panel } = await openPanel();
      await pick(panel, photos.paths);
      const done = await waitForSummary(panel, settled(3), 60_000);
      assert.deepEqual({ uploaded: done.uploaded, failed: done.failed }, { uploaded: 3, failed: 0 }, JSON.stringify(done));
      const received = env.standin.state.received;
      assert.deepEqual(received.map((r) => r.name).sort(), [...photos.uploadedNames].sort());
      for (const r of received) {
        assert.equal(identify(r.bytes).format, 'JPEG', r.name);
        assert.equal(Number(r.lastModDate), Date.parse('2021-06-05T14:30:00Z'), `${r.name}: lastModDate`);
        const tags = exif(r.bytes, env.fixtures.dir);
        assert.equal(tags.DateTimeOriginal, TAKEN, `${r.name}: DateTimeOriginal`);
        assert.ok(Math.abs(tags.GPSLatitude - 48.8584) < 1e-3 && Math.abs(tags.GPSLongitude - 2.2945) < 1e-3, `${r.name}: GPS`);
      }
    });
  }

  for (const locale of LOCALES) {
    it(`the ${locale} page, labels only: Upload is found (never Cancel or Download), photos arrive; signed out and web access off are recognised`, { timeout: 90_000 }, async () => {
      env.standin.setVariant({ locale, buttonClasses: false, indexingDelayMs: 0 });
      const folder = makeMixedFolder(join(env.fixtures.dir, locale), 4, { prefix: `${locale}_` });
      const { page, panel } = await openPanel();
      const app = await appFrame(page);
      await pick(panel, folder.paths.slice(0, 2));
      await waitForSummary(panel, (s) => settled(2)(s) && s.uploaded === 2, 60_000);
      // A photo selected in the grid enables the Download button (French: "Télécharger", like
      // Upload): the next batch must still find Upload, never Download or Cancel upload.
      await app.locator('[role=gridcell]').first().click({ timeout: 15_000 });
      const download = app.locator(`[role=toolbar] [aria-label="${DOWNLOAD_LABELS[locale]}"]`);
      await waitUntil(async () => (await download.getAttribute('aria-disabled')) !== 'true', { what: 'Download enabled' });
      await pick(panel, folder.paths.slice(2));
      const done = await waitForSummary(panel, settled(4), 60_000);
      assert.equal(done.uploaded, 4, JSON.stringify(done));
      assert.deepEqual(env.standin.state.received.map((r) => r.name).sort(), [...folder.uploadedNames].sort());
      assert.equal(env.standin.state.attempts.filter((a) => a.kind === 'putAssetEntry').length, 4);

      const notice = async (p) => {
        const el = p.locator('[data-testid=photolift-notice]');
        await el.waitFor({ state: 'visible', timeout: 15_000 });
        return el.innerText();
      };
      env.standin.signOut();
      const signedOut = await openPanel({ withApp: false });
      assert.match(await notice(signedOut.panel), /signed you out/);
      env.standin.signIn();
      env.standin.setWebAccess(false);
      const noAccess = await openPanel({ withApp: false });
      assert.match(await notice(noAccess.panel), /Advanced Data Protection/);
    });
  }

  it('arriving from the iCloud home page by an in-page URL change: the panel appears and uploads; the toolbar button finds that tab', { timeout: 90_000 }, async () => {
    for (const open of env.browser.context.pages()) await open.close();
    const page = await env.browser.context.newPage();
    await page.goto('https://www.icloud.com/');
    await page.locator('a.AppTile[href="/photos/"]').click();
    await page.waitForURL(PHOTOS_URL);
    await page.evaluate(() => { window.__noReload = true; });
    await appFrame(page);
    const panel = await panelFrame(page);
    const folder = makeMixedFolder(join(env.fixtures.dir, 'home'), 3, { prefix: 'HOME_' });
    await pick(panel, folder.paths);
    assert.equal((await waitForSummary(panel, settled(3), 60_000)).uploaded, 3);
    assert.equal(env.standin.state.received.length, 3);

    // The toolbar button (its code, run in the service worker) focuses this tab and shows the panel.
    await clickInPanel(page, panel.locator('button.hide'));
    await waitUntil(async () => (await page.locator('iframe#photolift-panel').getAttribute('data-expanded')) === 'false', { what: 'collapsed' });
    const tabs = env.browser.context.pages().length;
    const worker = await extensionWorker(env.browser.context);
    await worker.evaluate(() => globalThis.photoliftOpenPhotos());
    await waitUntil(async () => (await page.locator('iframe#photolift-panel').getAttribute('data-expanded')) === 'true', { what: 'shown again' });
    assert.equal(env.browser.context.pages().length, tabs, 'no second tab');
    assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was never reloaded');
  });

  it('the app opened on Albums (no Upload there): the panel opens the Library and the photos arrive', { timeout: 90_000 }, async () => {
    env.standin.setVariant({ startView: 'albums' });
    const folder = makeMixedFolder(join(env.fixtures.dir, 'albums'), 3, { prefix: 'ALBUMS_' });
    const { panel } = await openPanel();
    await pick(panel, folder.paths);
    assert.equal((await waitForSummary(panel, settled(3), 60_000)).uploaded, 3);
    assert.equal(env.standin.state.received.length, 3);
  });

  it('an app frame created blank and navigated to Photos afterwards: the panel finds the app and the photos arrive', { timeout: 90_000 }, async () => {
    env.standin.setVariant({ appFrame: 'navigate' });
    const folder = makeMixedFolder(join(env.fixtures.dir, 'navigate'), 3, { prefix: 'NAVIGATE_' });
    const { panel } = await openPanel();
    await pick(panel, folder.paths);
    assert.equal((await waitForSummary(panel, settled(3), 60_000)).uploaded, 3);
    assert.equal(env.standin.state.received.length, 3);
  });

  it('a page that uploads in a way photolift does not know: page-changed within 60 s, nothing failed or remembered, diagnostics leak nothing', { timeout: 120_000 }, async () => {
    env.standin.setVariant({ protocol: 'unknown' });
    await env.browser.context.addCookies([{ name: 'X-APPLE-WEBAUTH-TOKEN', value: 'COOKIE-SECRET-1234', domain: '.icloud.com', path: '/', secure: true }]);
    const folder = makeMixedFolder(join(env.fixtures.dir, 'unknown'), 3, { prefix: 'UNKNOWN_' });
    const { panel } = await openPanel();
    await pick(panel, folder.paths);
    await waitUntil(() => env.standin.state.attempts.some((a) => a.kind === 'unknown'), { timeout: 30_000, what: 'the hand-over' });
    const handedAt = Date.now();
    const changed = await waitForSummary(panel, (s) => s.state === 'page-changed', 65_000);
    assert.ok(Date.now() - handedAt < 60_000, 'within a minute of the hand-over');
    assert.equal(changed.failed, 0);
    assert.equal(changed.uploaded, 0, 'nothing counted as uploaded: nothing was recognised');
    for (const row of await rows(panel)) assert.notEqual(row.state, 'failed', row.name);
    const box = panel.locator('[data-testid=photolift-page-changed]');
    assert.match(await box.innerText(), /changed its page/);
    assert.deepEqual(await rememberedKeys(env.browser.context), [], 'nothing remembered as uploaded');

    await panel.locator('[data-action=copy-diagnostics]').click();
    const report = await panel.locator('[data-testid=photolift-diagnostics]').textContent();
    assert.match(report, /photosupload\/v3\/importAssets/, 'the unknown request is named');
    assert.match(report, /upload button/);
    for (const secret of ['?', 'dsid', '1234567890', 'clientId', 'COOKIE-SECRET', 'WEBAUTH', 'tk=', 'token']) {
      assert.ok(!report.includes(secret), `the diagnostics contain "${secret}":\n${report}`);
    }
    // Nothing more is handed over.
    const uploads = photoUploads(env.standin).length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(photoUploads(env.standin).length, uploads);
    assert.equal((await summary(panel)).state, 'page-changed');
  });

  it('an app that offers no upload control photolift knows: page-changed, nothing handed over, nothing failed', { timeout: 90_000 }, async () => {
    const folder = makeMixedFolder(join(env.fixtures.dir, 'nocontrol'), 2, { prefix: 'NOCONTROL_' });
    const { page, panel } = await openPanel();
    // The page as a future version might ship it: no Upload button, no Library to open.
    await (await appFrame(page)).evaluate(() => {
      const strip = () => document.querySelectorAll('[class*="UploadButton"], nav').forEach((el) => el.remove());
      strip();
      new MutationObserver(strip).observe(document.documentElement, { childList: true, subtree: true });
    });
    await pick(panel, folder.paths);
    const changed = await waitForSummary(panel, (s) => s.state === 'page-changed', 60_000);
    assert.deepEqual({ uploaded: changed.uploaded, failed: changed.failed }, { uploaded: 0, failed: 0 });
    assert.match(await panel.locator('[data-testid=photolift-diagnostics]').textContent(), /NO\s+upload button/);
    assert.equal(photoUploads(env.standin).length, 0, 'nothing was handed over');
  });
});
