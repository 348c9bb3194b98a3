// A conversion worker that dies mid-job must not take the panel down: that one file is marked
// failed, the pool starts a fresh worker, and every other file still arrives. The fault is injected
// from outside, the way a crash looks to the panel: an uncaught exception thrown inside the worker
// as it receives its next job (the product carries no test hook for this).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { EXTENSION_DIR, identify, magick } from './fixtures.mjs';
import { appFrame, useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, waitForSummary } from './panel.mjs';

describe('a crashing conversion worker', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('fails only the file it was on; a new worker converts the rest', async () => {
    const { standin, browser, fixtures } = env;
    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    await appFrame(page);
    const panel = await panelFrame(page);

    // The panel starts its workers as it opens; crash each one on the next job it receives.
    const isConverter = (w) => w.url().endsWith('/worker.js');
    const deadline = Date.now() + 15_000;
    while (!page.workers().some(isConverter) && Date.now() < deadline) await page.waitForTimeout(100);
    const workers = page.workers().filter(isConverter);
    assert.ok(workers.length >= 1, 'the panel runs conversion workers');
    // Let each worker finish loading its WASM and register its own message handler first.
    await page.waitForTimeout(1000);
    for (const worker of workers) {
      await worker.evaluate(() => {
        self.addEventListener('message', () => { throw new Error('simulated worker crash'); }, { once: true });
      });
    }

    const names = [];
    for (let i = 0; i < workers.length + 3; i += 1) {
      const name = `shot-${i}.png`;
      magick(['-size', `${120 + i}x90`, `gradient:red-blue`, join(fixtures.dir, name)]);
      names.push(name);
    }
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(names.map((n) => join(fixtures.dir, n)));

    const done = await waitForSummary(panel, (s) => s.uploaded + s.failed === names.length, 60_000);
    const failed = (await rows(panel)).filter((r) => r.state === 'failed');
    assert.equal(done.failed, workers.length, `one file per crashed worker: ${JSON.stringify(failed)}`);
    for (const row of failed) assert.match(row.message, /internal error.*restarted/i, row.name);
    assert.equal(done.uploaded, names.length - workers.length);
    assert.equal(standin.state.received.length, names.length - workers.length);
    for (const received of standin.state.received) {
      assert.equal(identify(received.bytes).format, 'JPEG', received.name);
    }

    // The replacement workers keep working: a file dropped now converts and arrives.
    const late = join(fixtures.dir, 'late.png');
    magick(['-size', '64x48', 'xc:orange', late]);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([late]);
    await waitForSummary(panel, (s) => s.uploaded === names.length - workers.length + 1, 30_000);
    assert.ok(standin.state.received.some((r) => r.name === 'late.jpg'));
    await page.close();
  });
});
