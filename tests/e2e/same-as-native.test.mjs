// The browser converts exactly as the native build does: every photo the stand-in registers is, byte
// for byte, the JPEG `photolift convert` writes for the same file. The browser runs the WebAssembly
// build (SIMD on, the browser's own SHA-256, the worker's code paths); the CLI runs the same Rust
// natively (no wasm SIMD). Any difference is a bug in one of them: SIMD code that is not exact, a
// setting the panel passes differently, metadata one side forgets.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { CORPUS, EXTENSION_DIR, ROOT, magick, sha256 } from './fixtures.mjs';
import { useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, settled, waitForSummary } from './panel.mjs';

// The newest native build: `./build.sh` makes the release one, `cargo test` (which `./build.sh
// test` runs first) the debug one. Both compute the same bytes.
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
const CLI = ['release', 'debug'].map((profile) => join(TARGET, profile, 'photolift'))
  .filter((path) => existsSync(path))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];

describe('the browser converts as the native build does', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('every format, HEIC transcoded and through RGB: the registered JPEGs are the CLI\'s, byte for byte', { timeout: 240_000 }, async () => {
    assert.ok(CLI, `a native build of the CLI (${TARGET}/release or debug: ./build.sh or cargo test makes one)`);
    const { standin, browser, fixtures } = env;
    standin.reset();
    const dir = join(fixtures.dir, 'same-as-native');
    mkdirSync(dir, { recursive: true });
    // iPhone (4:2:0 full range: transcoded in YCbCr), a grid in limited range (through RGB), Xiaomi.
    for (const name of ['pug.heic', 'example.heic', 'xiaomi.heic']) copyFileSync(join(CORPUS, 'heic', name), join(dir, name));
    // Each made from pug.heic at its own size: the same pixels twice would make the same JPEG, which
    // iCloud takes once (the second is "already in your library").
    const base = join(dir, 'base.png');
    magick([join(CORPUS, 'heic', 'pug.heic'), '-resize', '1200x900', '-strip', `PNG24:${base}`]);
    const from = (width, ...args) => magick([base, '-resize', `${width}x`, ...args]);
    from(1200, '-alpha', 'set', '-channel', 'A', '-evaluate', 'set', '80%', '+channel', `PNG32:${join(dir, 'screenshot.png')}`);
    from(1100, '-depth', '16', `PNG48:${join(dir, 'deep.png')}`);
    from(1000, '-quality', '90', join(dir, 'photo.webp'));
    from(900, '-compress', 'lzw', join(dir, 'scan.tiff'));
    from(300, join(dir, 'anim.gif'));
    from(800, join(dir, 'paint.bmp'));
    const photos = readdirSync(dir).filter((name) => name !== 'base.png').sort();

    const out = join(fixtures.dir, 'native');
    execFileSync(CLI, ['convert', ...photos.map((name) => join(dir, name)), '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });

    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    const panel = await panelFrame(page);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(photos.map((name) => join(dir, name)));
    const done = await waitForSummary(panel, settled(photos.length), 200_000);
    assert.equal(done.uploaded, photos.length, JSON.stringify(await rows(panel)));
    // Each row shows its photo: the 80-pixel thumbnail the conversion made from its pixels (read
    // here by a detached image: the row's own loads lazily, when scrolled into view).
    const thumbnails = await panel.locator('[data-testid=photolift-file] img').evaluateAll((imgs) => Promise.all(imgs.map(async (img) => {
      const src = img.getAttribute('src') ?? '';
      const copy = new Image();
      copy.src = src;
      const size = await copy.decode().then(() => `${copy.naturalWidth}x${copy.naturalHeight}`, () => 'not an image');
      return { src: src.slice(0, 23), size, hidden: img.hidden };
    })));
    assert.deepEqual(thumbnails, photos.map(() => ({ src: 'data:image/jpeg;base64,', size: '80x80', hidden: false })));
    // None of them had the browser decode a JPEG again (the panel marks each such decode).
    const marks = await panel.evaluate(() => performance.getEntriesByType('mark').map((mark) => mark.name.split(':')[1]));
    assert.equal(marks.filter((what) => what === 'received').length, photos.length, 'a conversion mark per photo');
    assert.equal(marks.filter((what) => what === 'thumbnail').length, 0, 'thumbnails decoded by the browser');
    await page.close();

    const received = new Map(standin.state.received.map((r) => [r.name, Buffer.from(r.bytes)]));
    for (const name of photos) {
      const jpeg = name.replace(/\.[^.]+$/, '.jpg');
      const native = readFileSync(join(out, jpeg));
      const browserMade = received.get(jpeg);
      assert.ok(browserMade, `${jpeg} was registered (registered: ${[...received.keys()].join(", ")})`);
      assert.equal(browserMade.subarray(0, 2).toString('hex'), 'ffd8', `${jpeg} is a JPEG`);
      assert.equal(sha256(browserMade), sha256(native),
        `${name}: the browser's JPEG (${browserMade.length} bytes) is the CLI's (${native.length} bytes)`);
    }
  });
});
