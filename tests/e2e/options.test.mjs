// The options page (options.html), used as a person uses it: its controls, not extension storage.
// Each test has a fresh browser profile; the iCloud stand-in registers what arrives.
//
// A running panel learns of a change through chrome.storage.onChanged, in the order the changes
// were made. Where a test must know the panel has taken a change before it adds photos, it makes
// one more change the panel shows (its "Upload duplicates" checkbox) after it, and waits for the
// panel to show that one: the earlier change was then taken too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS, EXTENSION_DIR, identify, magick } from './fixtures.mjs';
import { PHOTOS_URL } from '../standin/server.mjs';
import { appFrame, launch, useFreshBrowserPerTest } from './harness.mjs';
import { panelFrame, rows, settled, waitForSummary } from './panel.mjs';

const messages = JSON.parse(readFileSync(join(EXTENSION_DIR, '_locales', 'en', 'messages.json'), 'utf8'));
const SAVED = messages.options_saved.message;

/** Opens the options page in a new tab, once it shows the stored settings. */
async function openOptions(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.waitForSelector('#options-root[data-ready="true"]');
  return page;
}

/** Types `value` into the number field `id` and leaves it, as a person does; waits for "Saved.". */
async function setNumber(options, id, value) {
  await options.locator('#status').evaluate((el) => { el.textContent = ''; });
  await options.locator(`#${id}`).fill(String(value));
  await options.locator(`#${id}`).press('Tab');
  await options.locator('#status', { hasText: SAVED }).waitFor();
}

/** Ticks or clears the checkbox `id` (by clicking its label); waits for "Saved.". */
async function setCheck(options, id, on) {
  if (await options.locator(`#${id}`).isChecked() === on) return;
  await options.locator('#status').evaluate((el) => { el.textContent = ''; });
  await options.locator(`label[for=${id}]`).click();
  assert.equal(await options.locator(`#${id}`).isChecked(), on);
  await options.locator('#status', { hasText: SAVED }).waitFor();
}

const panelDuplicates = (panel) => panel.locator('[data-testid=photolift-controls] input[data-action=upload-duplicates]');

/** Waits until the running panel shows "Upload duplicates" as `on`. */
async function panelShowsDuplicates(panel, on) {
  const box = panelDuplicates(panel);
  const deadline = Date.now() + 10_000;
  while (await box.isChecked() !== on) {
    if (Date.now() > deadline) throw new Error(`the panel never showed upload duplicates ${on}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The count the options page shows for the upload memory, once it shows `want`. */
async function waitForCount(options, want) {
  await options.waitForSelector(`#memory-count[data-count="${want}"]`);
  return options.locator('#memory-count').textContent();
}

function exifDate(bytes, dir) {
  const path = join(dir, `got-${Math.random().toString(36).slice(2)}.jpg`);
  writeFileSync(path, bytes);
  const out = JSON.parse(execFileSync('exiftool', ['-j', '-DateTimeOriginal', path], { encoding: 'utf8' }))[0];
  return out.DateTimeOriginal;
}

async function openPanel(browser) {
  const page = await browser.context.newPage();
  await page.goto(PHOTOS_URL);
  await appFrame(page);
  return { page, panel: await panelFrame(page) };
}

describe('options page: the settings and the upload memory, through its controls', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, { prefix: 'photolift-options-' });

  it('JPEG quality 70 then 95 on the same photo: a smaller, then a larger JPEG, the second set while the panel runs', async () => {
    const heic = join(env.fixtures.dir, 'example.heic');
    copyFileSync(join(CORPUS, 'heic', 'example.heic'), heic);
    const options = await openOptions(env.browser);
    assert.equal(await options.locator('#quality').inputValue(), '92', 'the default shows');
    await setNumber(options, 'quality', 70);

    const { panel } = await openPanel(env.browser);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([heic]);
    await waitForSummary(panel, (s) => s.uploaded === 1, 90_000);
    assert.equal(env.standin.state.received.length, 1);

    // The same photo again, at 95, into the panel that is still open. photolift remembers it as
    // uploaded, so the user also ticks "Upload duplicates" (the panel shows it once it has it).
    await setNumber(options, 'quality', 95);
    await setCheck(options, 'upload-duplicates', true);
    await panelShowsDuplicates(panel, true);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([heic]);
    await waitForSummary(panel, (s) => s.total === 2 && s.uploaded === 2, 90_000);

    const received = env.standin.state.received;
    assert.equal(received.length, 2, `received: ${received.map((r) => r.name)}`);
    const [at70, at95] = received.map((r) => r.bytes);
    for (const bytes of [at70, at95]) assert.deepEqual(identify(bytes), { width: 1280, height: 854, format: 'JPEG' });
    assert.ok(at70.length < at95.length, `quality 70 gave ${at70.length} bytes, 95 gave ${at95.length}`);
    // The options page kept what was typed, across a reload.
    await options.reload();
    await options.waitForSelector('#options-root[data-ready="true"]');
    assert.equal(await options.locator('#quality').inputValue(), '95');
  });

  it('date rescue off leaves a screenshot without DateTimeOriginal; on, its file date is rescued', async () => {
    const png = join(env.fixtures.dir, 'screenshot.png');
    // A PNG with no date in it (ImageMagick's own date chunks left out), its file dated 15 June 2021.
    magick(['-size', '320x200', 'gradient:navy-orange', '-define', 'png:exclude-chunks=date,time', png]);
    const modified = new Date('2021-06-15T10:20:30Z');
    utimesSync(png, modified, modified);
    const options = await openOptions(env.browser);
    assert.equal(await options.locator('#date-rescue').isChecked(), true, 'on by default');
    await setCheck(options, 'date-rescue', false);

    const { panel } = await openPanel(env.browser);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([png]);
    await waitForSummary(panel, (s) => s.uploaded === 1, 60_000);
    const [off] = env.standin.state.received;
    assert.equal(off.contentType, 'image/jpeg');
    assert.equal(exifDate(off.bytes, env.fixtures.dir), undefined, 'no DateTimeOriginal with date rescue off');

    await setCheck(options, 'date-rescue', true);
    await setCheck(options, 'upload-duplicates', true);
    await panelShowsDuplicates(panel, true);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([png]);
    await waitForSummary(panel, (s) => s.total === 2 && s.uploaded === 2, 60_000);
    const on = env.standin.state.received[1];
    assert.ok(on, 'the second upload arrived');
    assert.equal(exifDate(on.bytes, env.fixtures.dir), '2021:06:15 10:20:30', 'the file date, rescued');
  });

  it('forget uploaded photos shows the count, asks, and afterwards the same photo uploads again', async () => {
    const jpeg = join(env.fixtures.dir, 'camera.jpg');
    magick(['-size', '240x160', 'plasma:fractal', '-seed', '11', '-quality', '90', jpeg]);
    const { page: photos, panel } = await openPanel(env.browser);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([jpeg]);
    await waitForSummary(panel, (s) => s.uploaded === 1, 60_000);

    // The photo is deleted from iCloud Photos (the stand-in forgets it); photolift still skips it.
    env.standin.reset();
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([jpeg]);
    await waitForSummary(panel, settled(2), 60_000);
    assert.equal((await rows(panel)).filter((r) => r.state === 'skipped').length, 1);
    assert.equal(env.standin.state.received.length, 0);

    // The panel's Options button opens the options page in a tab. The page showed its own upload
    // progress with the first photo, and the panel steps aside from it (checked every 500 ms):
    // clicked before it has, the click could land where the button was.
    await photos.waitForSelector('iframe#photolift-panel[data-snapped="true"]');
    const [options] = await Promise.all([
      env.browser.context.waitForEvent('page'),
      panel.locator('[data-testid=photolift-options]').click(),
    ]);
    await options.waitForURL(/\/options\.html$/);
    await options.waitForSelector('#options-root[data-ready="true"]');
    assert.match(await waitForCount(options, 1), /\b1\b/);
    await options.locator('#forget').click();
    // A confirmation that names the count, with the safe choice focused; Keep changes nothing.
    const question = await options.locator('#forget-question').textContent();
    assert.match(question, /\b1\b/);
    assert.equal(await options.evaluate(() => document.activeElement.id), 'forget-cancel');
    await options.locator('#forget-cancel').click();
    assert.equal(await options.locator('#forget-box').isVisible(), false);
    assert.match(await waitForCount(options, 1), /\b1\b/);
    await options.locator('#forget').click();
    await options.locator('#forget-confirm').click();
    await waitForCount(options, 0);
    assert.equal(await options.evaluate(() => document.activeElement.id), 'forget', 'focus back on the button');

    // The running panel has the change once it shows the two that follow it.
    await setCheck(options, 'upload-duplicates', true);
    await panelShowsDuplicates(panel, true);
    await setCheck(options, 'upload-duplicates', false);
    await panelShowsDuplicates(panel, false);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([jpeg]);
    await waitForSummary(panel, (s) => s.total === 3 && s.uploaded === 2, 60_000);
    const received = env.standin.state.received;
    assert.equal(received.length, 1, 'the forgotten photo went up again, once');
    assert.equal(received[0].name, 'camera.jpg');
    await waitForCount(options, 1);
  });

  it('export, then import into a fresh profile: the photo is known as uploaded there, and nothing there is lost', async () => {
    const first = join(env.fixtures.dir, 'first.jpg');
    magick(['-size', '200x150', 'plasma:fractal', '-seed', '21', '-quality', '90', first]);
    const second = join(env.fixtures.dir, 'second.jpg');
    magick(['-size', '200x150', 'plasma:fractal', '-seed', '22', '-quality', '90', second]);
    {
      const { panel } = await openPanel(env.browser);
      await panel.locator('input[data-testid=photolift-files]').setInputFiles([first]);
      await waitForSummary(panel, (s) => s.uploaded === 1, 60_000);
    }
    const options = await openOptions(env.browser);
    await waitForCount(options, 1);
    const [download] = await Promise.all([options.waitForEvent('download'), options.locator('#export').click()]);
    const saved = join(env.fixtures.dir, download.suggestedFilename());
    await download.saveAs(saved);
    assert.match(download.suggestedFilename(), /^photolift-upload-memory-\d{4}-\d{2}-\d{2}\.json$/);

    // Another browser profile, which has uploaded another photo of its own.
    const other = await launch({ extensionDir: EXTENSION_DIR, standin: env.standin });
    try {
      const { page, panel } = await openPanel(other);
      await panel.locator('input[data-testid=photolift-files]').setInputFiles([second]);
      await waitForSummary(panel, (s) => s.uploaded === 1, 60_000);
      const otherOptions = await openOptions(other);
      await waitForCount(otherOptions, 1);

      // A file that is no upload memory changes nothing.
      await otherOptions.locator('#import').setInputFiles([first]);
      await otherOptions.locator('#status', { hasText: messages.options_import_not_memory.message }).waitFor();
      await waitForCount(otherOptions, 1);

      await otherOptions.locator('#import').setInputFiles([saved]);
      await otherOptions.locator('#status', { hasText: /Added 1 photos/ }).waitFor();
      await waitForCount(otherOptions, 2);
      // Loading the same file again adds nothing.
      await otherOptions.locator('#import').setInputFiles([saved]);
      await otherOptions.locator('#status', { hasText: /Added 0 photos/ }).waitFor();
      await waitForCount(otherOptions, 2);

      // The open panel took the import: both photos are now skipped as uploaded before.
      const before = env.standin.state.received.length;
      await panel.locator('input[data-testid=photolift-files]').setInputFiles([first, second]);
      await waitForSummary(panel, settled(3), 60_000);
      const byName = (await rows(panel)).filter((r) => r.state === 'skipped').map((r) => r.name).sort();
      assert.deepEqual(byName, ['first.jpg', 'second.jpg'], JSON.stringify(await rows(panel)));
      assert.equal(env.standin.state.received.length, before, 'nothing was sent again');
      // And a panel opened afterwards (one panel at a time: the first tab closes) knows them from storage.
      await page.close();
      const { panel: fresh } = await openPanel(other);
      await fresh.locator('input[data-testid=photolift-files]').setInputFiles([first]);
      await waitForSummary(fresh, settled(1), 60_000);
      assert.equal((await rows(fresh))[0].state, 'skipped');
    } finally {
      await other.close();
    }
  });
});
