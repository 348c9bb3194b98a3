// A byte budget (issue 13): a file that goes up unchanged (a JPEG, a video) is handed to the page as
// the user's own File, hashed in chunks, never read whole; it must still arrive byte for byte, and
// its content key must be the SHA-256 of the whole file as before, so an upload memory written by
// earlier versions still knows it.
// Run: node --test tests/e2e/pass-through.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TEST_SETTINGS, configurePanel, extensionWorker } from './bulk-fixtures.mjs';
import { EXTENSION_DIR, magick, readBytes, sha256 } from './fixtures.mjs';
import { useFreshBrowserPerTest } from './harness.mjs';
import { rows, settled, waitForSummary } from './panel.mjs';

// A QuickTime header (ftyp qt) and 20 MB of noise: three of the worker's 8 MB hash chunks.
function makeMov(path) {
  const ftyp = Buffer.from('00000014667479707174202000000200717420200000000877696465', 'hex');
  writeFileSync(path, Buffer.concat([ftyp, randomBytes(20 * 1024 * 1024 + 12345)]));
  return path;
}

describe('a file that goes up unchanged', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, {
    prefix: 'photolift-pass-', prepare: (context) => configurePanel(context, TEST_SETTINGS),
  });

  function inputs() {
    const jpeg = join(env.fixtures.dir, 'camera.jpg');
    magick(['-size', '640x480', 'plasma:fractal', '-seed', '11', '-quality', '90', jpeg]);
    const mov = makeMov(join(env.fixtures.dir, 'IMG_0420.MOV'));
    const png = join(env.fixtures.dir, 'screenshot.png');
    magick(['-size', '300x200', 'gradient:red-blue', png]);
    return { jpeg, mov, png };
  }

  it('arrives byte-identical, with its own name, type and date, beside a converted photo', { timeout: 90_000 }, async () => {
    const { jpeg, mov, png } = inputs();
    const { panel } = await env.openPanel();
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([jpeg, mov, png]);
    const done = await waitForSummary(panel, settled(3), 60_000);
    assert.equal(done.uploaded, 3, JSON.stringify(await rows(panel)));

    const byName = Object.fromEntries(env.standin.state.received.map((r) => [r.name, r]));
    assert.deepEqual(Object.keys(byName).sort(), ['IMG_0420.MOV', 'camera.jpg', 'screenshot.jpg']);
    assert.equal(byName['camera.jpg'].sha256, sha256(readBytes(jpeg)), 'the JPEG arrives byte-identical');
    assert.equal(byName['IMG_0420.MOV'].size, statSync(mov).size);
    assert.equal(byName['IMG_0420.MOV'].sha256, sha256(readBytes(mov)), 'the video arrives byte-identical');
    assert.equal(byName['IMG_0420.MOV'].contentType, 'video/quicktime');
    for (const [name, source] of [['camera.jpg', jpeg], ['IMG_0420.MOV', mov]]) {
      assert.equal(Number(byName[name].lastModDate), Math.floor(statSync(source).mtimeMs), name);
    }
  });

  it('is known to an upload memory written before (the key is the SHA-256 of the whole file)', { timeout: 90_000 }, async () => {
    const { jpeg, mov, png } = inputs();
    // The memory as photolift 0.1 wrote it: one key per photo, the hex SHA-256 → the upload date.
    const worker = await extensionWorker(env.browser.context);
    await worker.evaluate((keys) => chrome.storage.local.set(
      Object.fromEntries(keys.map((key) => [`photolift.up.${key}`, '2026-11-20']))),
    [sha256(readBytes(jpeg)), sha256(readBytes(mov))]);

    const { panel } = await env.openPanel();
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([jpeg, mov, png]);
    const done = await waitForSummary(panel, settled(3), 60_000);
    const byName = Object.fromEntries((await rows(panel)).map((r) => [r.name, r]));
    assert.equal(done.skipped, 2, JSON.stringify(byName));
    for (const name of ['camera.jpg', 'IMG_0420.MOV']) {
      assert.equal(byName[name].state, 'skipped', name);
      assert.match(byName[name].message, /already in iCloud Photos via photolift on Nov 20, 2026/, name);
    }
    assert.deepEqual(env.standin.state.received.map((r) => r.name), ['screenshot.jpg']);
  });

  it('a photo too big to convert fails alone, in plain words; the others go up', { timeout: 90_000 }, async () => {
    const { jpeg, png } = inputs();
    // A PNG of 600 MB (sparse: its header, then nothing) declaring an ordinary 4000 × 3000 picture.
    const huge = join(env.fixtures.dir, 'scan.png');
    const ihdr = Buffer.from('0000000d49484452' + '00000fa000000bb8' + '0802000000' + '00000000', 'hex');
    writeFileSync(huge, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr]));
    truncateSync(huge, 600 * 1024 * 1024);
    const { panel } = await env.openPanel();
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([jpeg, huge, png]);
    const done = await waitForSummary(panel, settled(3), 60_000);
    const byName = Object.fromEntries((await rows(panel)).map((r) => [r.name, r]));
    assert.equal(done.uploaded, 2, JSON.stringify(byName));
    assert.equal(byName['scan.png'].state, 'failed');
    assert.equal(byName['scan.png'].message, 'This file is too big to convert (600 MB; photolift converts photos up to 512 MB). Save it smaller, or as JPEG, in a photo app.');
    assert.deepEqual(env.standin.state.received.map((r) => r.name).sort(), ['camera.jpg', 'screenshot.jpg']);
  });
});
