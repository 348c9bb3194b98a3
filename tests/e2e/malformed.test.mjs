// Damaged files fail one by one, in plain words, and never take the wasm build down: all 32 files of
// corpus/malformed (truncated boxes, bad HEVC, absurd sizes, loops…) are dropped into the panel with
// three good photos. Every malformed row ends `failed` with a sentence a user can read (no Rust panic,
// no wasm trap; a damaged .heic says "This HEIC file is damaged or incomplete"), the good ones are
// uploaded, and the stand-in holds exactly those three.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { CORPUS, EXTENSION_DIR, identify, magick } from './fixtures.mjs';
import { useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, waitForSummary } from './panel.mjs';

/** Every row, scrolling the virtualised list (only rows in view are in the DOM). */
async function allRows(panel) {
  const seen = new Map();
  for (const r of await rows(panel)) seen.set(r.name, r);
  const steps = await panel.locator('[data-testid=photolift-file]').first().evaluate((li) => {
    let el = li.parentElement;
    while (el && !(el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
    el = el ?? document.scrollingElement;
    el.setAttribute('data-photolift-test-scroller', '');
    return Math.ceil(el.scrollHeight / Math.max(1, el.clientHeight / 2));
  });
  for (let i = 0; i <= steps; i++) {
    await panel.locator('[data-photolift-test-scroller]').evaluate((el, step) => {
      el.scrollTop = step * el.clientHeight / 2;
    }, i);
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (const r of await rows(panel)) seen.set(r.name, r);
  }
  return [...seen.values()];
}

describe('malformed files: every one fails plainly, the wasm build never panics', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('fails each of the 32 malformed files with a message and uploads the 3 good ones', async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const dir = fixtures.dir;
    const malformedDir = join(CORPUS, 'malformed');
    const malformed = readdirSync(malformedDir).sort();
    assert.equal(malformed.length, 32, 'the shared corpus has 32 malformed files');
    const files = malformed.map((name) => {
      const path = join(dir, `bad-${name}`);
      copyFileSync(join(malformedDir, name), path);
      return path;
    });
    const good = ['good-pug.heic', 'good-example.heic', 'good-screenshot.png'];
    copyFileSync(join(CORPUS, 'heic', 'zPug_3.heic'), join(dir, good[0]));
    copyFileSync(join(CORPUS, 'heic', 'example.heic'), join(dir, good[1]));
    magick(['-size', '320x200', 'gradient:orange-purple', join(dir, good[2])]);
    files.push(...good.map((name) => join(dir, name)));

    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    const panel = await panelFrame(page);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(files);
    const total = files.length;
    await waitForSummary(panel, (s) => s.uploaded + s.failed + s.skipped === total, 180_000);

    const byName = Object.fromEntries((await allRows(panel)).map((r) => [r.name, r]));
    const problems = [];
    for (const name of malformed.map((n) => `bad-${n}`)) {
      const row = byName[name];
      if (!row) {
        problems.push(`${name}: no row`);
        continue;
      }
      if (row.state !== 'failed') problems.push(`${name}: ${row.state} (${row.message})`);
      if (!row.message.trim()) problems.push(`${name}: failed without a message`);
      // A damaged photo names its format and says it is damaged (by its signature, or else its name).
      if (name.endsWith('.heic') && !row.message.startsWith('This HEIC file is damaged or incomplete.')) {
        problems.push(`${name}: does not say it is a damaged HEIC: ${row.message}`);
      }
      if (/panick|RuntimeError|unreachable|unwrap|wasm|index out of bounds/i.test(row.message)) {
        problems.push(`${name}: not a plain message: ${row.message}`);
      }
    }
    for (const name of good) {
      if (byName[name]?.state !== 'uploaded') problems.push(`${name}: ${byName[name]?.state} ${byName[name]?.message}`);
    }
    assert.deepEqual(problems, [], problems.join('\n'));

    const received = standin.state.received;
    assert.deepEqual(received.map((r) => r.name).sort(), ['good-example.jpg', 'good-pug.jpg', 'good-screenshot.jpg']);
    for (const r of received) assert.equal(identify(Buffer.from(r.bytes)).format, 'JPEG', r.name);
    await page.close();
  });
});
