// Storage for a lifetime of photos (issue 13): the upload memory is packed (34 bytes a photo, in
// chunks appended to), the journal compacted as files settle. What earlier versions wrote still
// loads: their upload memory (one key per photo) is moved into the packed layout and still knows its
// photos, and their journal (chunks of generation 0) still resumes. At scale, through the real
// store code in an extension page: the memory of many photos and the journal of a big upload are
// written and read back: a million photos and 100,000 files, as `./build.sh bench` measures them
// (tests/bench/storage.mjs prints the times and bytes).
// Run: node --test tests/e2e/storage-scale.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { measureStorage } from '../bench/storage.mjs';
import { TEST_SETTINGS, configurePanel, extensionWorker } from './bulk-fixtures.mjs';
import { EXTENSION_DIR, magick, readBytes, sha256 } from './fixtures.mjs';
import { useFreshBrowserPerTest } from './harness.mjs';
import { rows, settled, summary, waitForSummary } from './panel.mjs';

describe('storage written by the version before', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, {
    prefix: 'photolift-storage-', prepare: (context) => configurePanel(context, TEST_SETTINGS),
  });

  it('loads: the old memory is moved to the packed layout and still knows its photos; the old journal resumes', { timeout: 90_000 }, async () => {
    const photo = (name, seed) => {
      const path = join(env.fixtures.dir, name);
      magick(['-size', '320x240', 'plasma:fractal', '-seed', String(seed), '-quality', '90', path]);
      return { path, key: sha256(readBytes(path)), size: statSync(path).size, mtime: Math.floor(statSync(path).mtimeMs) };
    };
    const known = photo('known.jpg', 3);
    const interrupted = photo('IMG_A.jpg', 5);
    const others = Array.from({ length: 50 }, (_, i) => sha256(Buffer.from(`other photo ${i}`)));
    // Exactly as photolift wrote them before: one memory key per photo, and a journal of two chunks
    // in which IMG_B.jpg went up and IMG_A.jpg was handed to the page and never confirmed.
    const old = {
      'photolift.up.9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08': '2026-11-19',
      [`photolift.up.${known.key}`]: '2026-11-20',
      'photolift.journal.meta': { startedMs: Date.UTC(2026, 10, 29, 9), chunks: 2 },
      'photolift.journal.0': [
        { type: 'Added', id: 0, name: 'IMG_A.jpg', size: interrupted.size, last_modified_ms: interrupted.mtime },
        { type: 'Added', id: 1, name: 'IMG_B.jpg', size: 1234, last_modified_ms: 5 },
      ],
      'photolift.journal.1': [
        { type: 'Keyed', id: 0, key: interrupted.key },
        { type: 'HandedToPage', id: 0, attempt: 1 },
        { type: 'HandedToPage', id: 1, attempt: 1 },
        { type: 'Uploaded', id: 1, key: others[0], at_ms: Date.UTC(2026, 10, 29, 10) },
      ],
    };
    for (const key of others.slice(1)) old[`photolift.up.${key}`] = '2026-10-01';
    const worker = await extensionWorker(env.browser.context);
    await worker.evaluate((items) => chrome.storage.local.set(items), old);

    const { page, panel } = await env.openPanel();
    await waitForSummary(panel, (s) => s.total === 2 && s.uploaded === 1, 15_000);
    assert.match(await panel.locator('[data-testid=photolift-resume]').textContent(), /1/);
    // The memory is now packed: no key per photo is left, and the chunk holds all 51 photos.
    const stored = await worker.evaluate(() => chrome.storage.local.get(null));
    assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('photolift.up.')), []);
    const packed = Buffer.from(stored['photolift.mem.0'], 'base64');
    assert.equal(packed.length, 51 * 34);
    assert.ok(packed.includes(Buffer.from(known.key, 'hex')));

    await panel.locator('input[data-testid=photolift-files]').setInputFiles([interrupted.path, known.path]);
    const done = await waitForSummary(panel, settled(3), 60_000);
    const byName = Object.fromEntries((await rows(panel)).map((r) => [r.name, r]));
    assert.equal(byName['known.jpg'].state, 'skipped');
    assert.match(byName['known.jpg'].message, /already in iCloud Photos via photolift on Nov 20, 2026/);
    assert.equal(byName['IMG_A.jpg'].state, 'uploaded');
    assert.deepEqual({ ...done, state: undefined }, { total: 3, uploaded: 2, skipped: 1, failed: 0, state: undefined });
    assert.deepEqual(env.standin.state.received.map((r) => r.name), ['IMG_A.jpg']);

    // And the packed memory loads again: a new page still knows both.
    await page.close();
    const { panel: again } = await env.openPanel();
    await again.locator('input[data-testid=photolift-files]').setInputFiles([interrupted.path, known.path]);
    const second = await waitForSummary(again, settled(2), 60_000);
    assert.equal(second.skipped, 2, JSON.stringify(await rows(again)));
    assert.equal(env.standin.state.received.length, 1);
    assert.equal((await summary(again)).failed, 0);
  });

  it('at scale: the memory of 1,000,000 photos and the journal of 100,000 files are written and read back', { timeout: 600_000 }, async () => {
    const { storage: s } = await measureStorage({ photos: 1_000_000, files: 100_000 });
    assert.equal(s.writeFailures, 0);
    assert.equal(s.rememberedLoaded, 1_100_000, 'every photo of the memory, and every upload of the journal');
    assert.equal(s.filesLoaded, 100_000);
    assert.equal(s.uploadedLoaded, 100_000);
    assert.ok(s.journalGeneration >= 1, 'the journal was compacted as files settled');
    assert.ok(s.memoryKnowsPhotos, 'the memory knows its first and last photo');
    // Packed: 34 bytes a photo, 46 stored as base64.
    assert.ok(s.memoryBytes < 1_000_000 * 50, `${s.memoryBytes} bytes for the memory`);
  });
});
