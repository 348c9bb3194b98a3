// Storage for a lifetime of photos (issue 13): when extension storage refuses a write anyway (the
// disk is full), the queue pauses and the panel says why, in plain words; nothing is lost: once
// storage takes writes again and the user resumes, every upload is recorded in the memory.
// Run: node --test tests/e2e/storage-failure.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  TEST_SETTINGS, assertServerHolds, configurePanel, makeMixedFolder, rememberedKeys,
} from './bulk-fixtures.mjs';
import { EXTENSION_DIR } from './fixtures.mjs';
import { useFreshBrowserPerTest } from './harness.mjs';
import { clickInPanel, settled, summary, waitForSummary } from './panel.mjs';

describe('a storage write that fails', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, {
    prefix: 'photolift-storage-', prepare: (context) => configurePanel(context, TEST_SETTINGS),
  });

  it('pauses the queue with a plain message; after Resume every upload is remembered', { timeout: 90_000 }, async () => {
    const folder = makeMixedFolder(join(env.fixtures.dir, 'Full disk'), 6, { prefix: 'FULL_' });
    const { page, panel } = await env.openPanel();
    // The browser's own refusal when the disk is full.
    await panel.evaluate(() => {
      const area = chrome.storage.local;
      const real = area.set;
      area.set = () => Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
      window.__restoreStorage = () => { area.set = real; };
    });
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.paths);
    const paused = await waitForSummary(panel, (s) => s.total === 6 && s.state === 'paused', 20_000);
    const notice = await panel.locator('[data-testid=photolift-notice]').textContent();
    assert.match(notice, /could not save its progress \(QUOTA_BYTES quota exceeded\)/);
    assert.match(notice, /paused/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Paused means paused: the counts on both sides agree and stay put.
    const still = await summary(panel);
    assert.equal(still.uploaded, paused.uploaded);
    assert.ok(env.standin.state.received.length <= still.uploaded + TEST_SETTINGS.batchSize);

    await panel.evaluate(() => window.__restoreStorage());
    await clickInPanel(page, panel.locator('[data-action=resume]'));
    const done = await waitForSummary(panel, settled(6), 60_000);
    assert.equal(done.uploaded, 6);
    assertServerHolds(env.standin, { names: folder.uploadedNames });
    const remembered = new Set(await rememberedKeys(env.browser.context));
    assert.equal(remembered.size, 6, 'every upload is in the memory');
  });
});
