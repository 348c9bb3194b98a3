// The whole path once, as a user walks it: the extension is loaded, iCloud Photos (the stand-in) is
// open, photos are dropped into the panel, and they arrive through the page's own upload as JPEGs.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { CORPUS, EXTENSION_DIR, identify, magick, sha256 } from './fixtures.mjs';
import { appFrame, useStandinWithExtension } from './harness.mjs';
import { panelFrame, recordToasts, rows, waitForSummary } from './panel.mjs';

describe('foundation: photos dropped into the panel arrive in iCloud as JPEGs', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('converts HEIC and PNG, passes JPEG through, and fails only the corrupt file', async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const dir = fixtures.dir;
    const heic = join(dir, 'example.heic');
    copyFileSync(join(CORPUS, 'heic', 'example.heic'), heic);
    const png = join(dir, 'screenshot.png');
    magick(['-size', '300x200', 'gradient:red-blue', png]);
    const jpeg = join(dir, 'camera.jpg');
    magick(['-size', '240x160', 'plasma:fractal', '-seed', '7', '-quality', '90', jpeg]);
    const corrupt = join(dir, 'broken.heic');
    copyFileSync(join(CORPUS, 'malformed', 'github_45.heic'), corrupt);

    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    const app = await appFrame(page);
    await recordToasts(app);
    const panel = await panelFrame(page);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([heic, png, jpeg, corrupt]);

    const done = await waitForSummary(panel, (s) => s.uploaded + s.failed + s.skipped === 4, 90_000);
    const states = Object.fromEntries((await rows(panel)).map((r) => [r.name, r]));
    assert.equal(done.uploaded, 3, `rows: ${JSON.stringify(states)}`);
    assert.equal(states['example.heic'].state, 'uploaded');
    assert.equal(states['screenshot.png'].state, 'uploaded');
    assert.equal(states['camera.jpg'].state, 'uploaded');
    assert.equal(states['broken.heic'].state, 'failed');
    assert.match(states['broken.heic'].message, /HEIC|damaged|not/i, 'the failure says why in plain words');
    assert.doesNotMatch(states['broken.heic'].message, /panick|unwrap|RuntimeError/i);

    // The server holds exactly the three good photos, each a valid JPEG of the source's size.
    const received = standin.state.received;
    assert.equal(received.length, 3, `received: ${received.map((r) => r.name)}`);
    const byName = Object.fromEntries(received.map((r) => [r.name, r]));
    assert.deepEqual(Object.keys(byName).sort(), ['camera.jpg', 'example.jpg', 'screenshot.jpg']);
    for (const r of received) assert.equal(r.contentType, 'image/jpeg', r.name);
    assert.deepEqual(identify(byName['example.jpg'].bytes), { width: 1280, height: 854, format: 'JPEG' });
    assert.deepEqual(identify(byName['screenshot.jpg'].bytes), { width: 300, height: 200, format: 'JPEG' });
    assert.equal(sha256(byName['camera.jpg'].bytes), sha256(readFileSync(jpeg)), 'the JPEG arrives byte-identical');

    // Each upload carried its original's lastModified, as Apple's client registers it.
    for (const [name, source] of [['example.jpg', heic], ['screenshot.jpg', png], ['camera.jpg', jpeg]]) {
      const { mtimeMs } = await import('node:fs').then((fs) => fs.statSync(source));
      assert.equal(Number(byName[name].lastModDate), Math.floor(mtimeMs), name);
    }

    // The page never showed its "unsupported format" toast: everything it got was JPEG.
    assert.deepEqual(await app.evaluate(() => window.__photoliftTestToasts), []);
    await waitForSummary(panel, (s) => s.state === 'done', 10_000); // once storage holds it too
    await page.close();
  });
});
