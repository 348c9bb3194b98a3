// Every format photolift converts, converted in the browser. HEIC and PNG (8- and 16-bit) are the
// worker's own module's; TIFF (uncompressed 16-bit, LZW, Deflate, JPEG-compressed), WebP
// (lossy and lossless), GIF and BMP are decoded by the codecs module, which a worker loads only when
// the first such file arrives. Every file arrives as a valid JPEG of its source's size showing its
// source's picture (PSNR against ImageMagick's decode of the source), and a TIFF's and a WebP's own
// capture date travel in its EXIF (not the date rescued from the file's modification time). A
// damaged TIFF fails alone, in plain words that come from the codecs module.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { BROWSER, CORPUS, EXTENSION_DIR, identify, magick } from './fixtures.mjs';
import { useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, settled, waitForSummary } from './panel.mjs';

const DATE = '2019:07:04 10:11:12';

/** PSNR in dB of `jpeg` (bytes) against `source` (a file), as ImageMagick decodes both. */
function psnr(source, jpeg, dir) {
  const path = join(dir, 'received.jpg');
  writeFileSync(path, jpeg);
  // `compare` exits 1 when the pictures differ at all, and prints the metric on stderr.
  const { stderr } = spawnSync('compare', ['-metric', 'PSNR', source, path, 'null:'], { encoding: 'utf8' });
  const value = stderr.trim().split(/\s/)[0];
  return value === 'inf' ? Infinity : Number(value);
}

function dateOf(jpeg, dir) {
  const path = join(dir, 'dated.jpg');
  writeFileSync(path, jpeg);
  return execFileSync('exiftool', ['-s3', '-DateTimeOriginal', path], { encoding: 'utf8' }).trim();
}

const isConverter = (w) => w.url().endsWith('/worker.js');

/**
 * Records, in each conversion worker of `page` (Chromium: workers are visible to the test), every
 * URL it fetches from now on; the modules' loaders fetch their `.wasm`. Injected from outside: the
 * product carries no test hook.
 */
async function recordFetches(page) {
  const deadline = Date.now() + 15_000;
  while (!page.workers().some(isConverter) && Date.now() < deadline) await page.waitForTimeout(100);
  const workers = page.workers().filter(isConverter);
  assert.ok(workers.length >= 1, 'the panel runs conversion workers');
  await Promise.all(workers.map((w) => w.evaluate(() => {
    const fetched = [];
    self.__photoliftTestFetched = fetched;
    const original = self.fetch;
    self.fetch = (input, init) => {
      fetched.push(String(input?.url ?? input));
      return original.call(self, input, init);
    };
  })));
}

/** `{codecs, all}`: whether a conversion worker fetched the codecs module; whether every worker now running was recorded. */
async function codecsFetched(page) {
  const seen = await Promise.all(page.workers().filter(isConverter).map((w) => w.evaluate(() => self.__photoliftTestFetched)));
  return {
    codecs: seen.some((urls) => urls?.some((url) => url.endsWith('/pkg/codecs_bg.wasm'))),
    all: seen.every(Array.isArray),
  };
}

describe('formats: every format converts in the browser, the rare ones through the codecs module', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('converts HEIC and PNG without the codecs module, then TIFF, WebP, GIF and BMP with it', async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const dir = fixtures.dir;
    const at = (name) => join(dir, name);
    // A picture of its own for each file: the same pixels twice would be one photo to the panel.
    let seed = 0;
    const picture = () => ['-size', '160x120', '-seed', String((seed += 1)), 'plasma:fractal', '-blur', '0x2'];

    copyFileSync(join(CORPUS, 'heic', 'example.heic'), at('camera.heic'));
    magick([...picture(), at('shot8.png')]);
    magick([...picture(), '-depth', '16', at('shot16.png')]);
    const common = ['camera.heic', 'shot8.png', 'shot16.png'];

    magick([...picture(), '-depth', '16', '-compress', 'None', at('plain16.tif')]);
    magick([...picture(), '-compress', 'LZW', at('lzw.tif')]);
    magick([...picture(), '-compress', 'Zip', at('deflate.tif')]);
    magick([...picture(), '-compress', 'JPEG', '-quality', '95', at('jpeg-in.tif')]);
    magick([...picture(), '-quality', '90', at('lossy.webp')]);
    magick([...picture(), '-define', 'webp:lossless=true', at('lossless.webp')]);
    magick([...picture(), '+dither', '-colors', '128', at('palette.gif')]);
    magick([...picture(), at('bitmap.bmp')]);
    const rare = ['plain16.tif', 'lzw.tif', 'deflate.tif', 'jpeg-in.tif', 'lossy.webp', 'lossless.webp', 'palette.gif',
      'bitmap.bmp'];
    const dated = ['lzw.tif', 'jpeg-in.tif', 'lossy.webp'];
    execFileSync('exiftool', ['-q', '-overwrite_original', `-DateTimeOriginal=${DATE}`, ...dated.map(at)]);
    // A damaged TIFF: the codecs module's refusal comes back in plain words, and only that file fails.
    writeFileSync(at('cut.tif'), readFileSync(at('lzw.tif')).subarray(0, 20_000));

    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    const panel = await panelFrame(page);
    const input = panel.locator('input[data-testid=photolift-files]');
    if (BROWSER === 'chromium') await recordFetches(page);

    await input.setInputFiles(common.map(at));
    await waitForSummary(panel, settled(common.length), 90_000);
    if (BROWSER === 'chromium') {
      assert.equal((await codecsFetched(page)).codecs, false, 'HEIC and PNG convert without loading the codecs module');
    }

    await input.setInputFiles([...rare, 'cut.tif'].map(at));
    const total = common.length + rare.length;
    const done = await waitForSummary(panel, settled(total + 1), 120_000);
    const states = await rows(panel);
    assert.equal(done.uploaded, total, states.map((r) => `${r.name}: ${r.state} ${r.message}`).join('\n'));
    const cut = states.find((r) => r.name === 'cut.tif');
    assert.equal(cut.state, 'failed');
    assert.match(cut.message, /^This TIFF file is damaged or incomplete\./);
    if (BROWSER === 'chromium') {
      // (A worker started since the recording began was not recorded: then only the conversions show it.)
      const fetched = await codecsFetched(page);
      if (fetched.all) assert.equal(fetched.codecs, true, 'a TIFF, WebP, GIF or BMP loads the codecs module');
    }

    const received = new Map(standin.state.received.map((r) => [r.name, Buffer.from(r.bytes)]));
    assert.equal(received.size, total, `received: ${[...received.keys()]}`);
    for (const name of [...common, ...rare]) {
      const jpegName = name.replace(/\.[^.]+$/, '.jpg');
      const jpeg = received.get(jpegName);
      assert.ok(jpeg, `${jpegName} arrived`);
      const size = name === 'camera.heic' ? { width: 1280, height: 854 } : { width: 160, height: 120 };
      assert.deepEqual(identify(jpeg), { ...size, format: 'JPEG' }, name);
      if (name === 'camera.heic') continue;
      // The source's picture: within JPEG's loss (q92) of ImageMagick's own decode of the source
      // (measured 43–44 dB; the GIF's palette bands 35 dB; a wrong picture is far below).
      const dB = psnr(at(name), jpeg, dir);
      assert.ok(dB > (name.endsWith('.gif') ? 33 : 40), `${name}: ${dB} dB against its source`);
    }
    for (const name of dated) {
      assert.equal(dateOf(received.get(name.replace(/\.[^.]+$/, '.jpg')), dir), DATE, `${name} keeps its capture date`);
    }
    await page.close();
  });
});
