// The panel for everyone: axe-core finds no serious or critical WCAG 2.2 AA violation in the
// panel's frame (idle, uploading, done with failures, dark mode), and a person with only a
// keyboard can pick photos, pause, resume, cancel (confirmed), retry, export the report and read a
// failed file's whole reason. axe-core is a devDependency: its source is put into the panel frame
// by the test, never shipped.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS, EXTENSION_DIR, magick } from './fixtures.mjs';
import { useFreshBrowserPerTest } from './harness.mjs';
import { rows, summary, waitForSummary } from './panel.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe-core's serious and critical violations in the panel frame, as readable lines. */
async function axeProblems(panel) {
  const injected = await panel.evaluate(() => typeof globalThis.axe === 'object');
  if (!injected) await panel.evaluate(AXE_SOURCE);
  const violations = await panel.evaluate(async (tags) => {
    const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`),
    }));
  }, WCAG_22_AA);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}):\n  ${v.nodes.join('\n  ')}`);
}

/** Photos for a run that takes a while through a slow line: PNGs to convert, a damaged HEIC first. */
function makePhotos(dir, count) {
  const damaged = join(dir, 'a-damaged-photo-from-an-old-phone-backup.heic');
  copyFileSync(join(CORPUS, 'malformed', 'github_45.heic'), damaged);
  const paths = [damaged];
  for (let i = 0; i < count; i += 1) {
    const path = join(dir, `shot-${String(i).padStart(2, '0')}.png`);
    magick(['-size', '900x700', 'plasma:fractal', '-seed', String(i + 1), path]);
    paths.push(path);
  }
  return paths;
}

/** What has focus in the panel frame: its data-action, test id or tag. */
const focused = (panel) => panel.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  return el.dataset.action ?? el.dataset.testid ?? el.tagName.toLowerCase();
});

/** Presses Tab (from wherever focus is on the page) until `want` has focus in the panel. */
async function tabTo(page, panel, want, { max = 60, shift = false } = {}) {
  for (let i = 0; i < max; i += 1) {
    if (await focused(panel).catch(() => '') === want) return;
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${want} (focus: ${await focused(panel)})`);
}

/** Counts pointer and mouse events in the panel frame and the page from now on. */
async function countMouse(frames) {
  for (const frame of frames) {
    await frame.evaluate(() => {
      globalThis.__photoliftMouse = 0;
      for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'mousemove', 'pointermove']) {
        addEventListener(type, () => { globalThis.__photoliftMouse += 1; }, true);
      }
    });
  }
  return async () => {
    let n = 0;
    for (const frame of frames) n += await frame.evaluate(() => globalThis.__photoliftMouse);
    return n;
  };
}

describe('accessibility: axe-core and the keyboard', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, { prefix: 'photolift-a11y-' });

  it('axe-core finds no serious or critical violation idle, uploading, done with failures, and in dark mode', async () => {
    const { page, panel } = await env.openPanel();
    assert.deepEqual(await axeProblems(panel), [], 'idle');
    // Idle is a welcoming drop target, not zero counts over an empty list.
    assert.equal(await panel.locator('.drop-zone .welcome').isVisible(), true);
    assert.equal(await panel.locator('[data-testid=photolift-summary]').isVisible(), false);

    env.standin.setFaults({ bandwidthBytesPerSec: 150_000 });
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(makePhotos(env.fixtures.dir, 6));
    await waitForSummary(panel, (s) => s.state === 'running' && s.failed === 1, 60_000);
    await panel.locator('[data-testid=photolift-file][data-state=uploading]').first().waitFor({ timeout: 60_000 });
    assert.deepEqual(await axeProblems(panel), [], 'uploading');
    // The progress bar says how far, in numbers.
    const bar = panel.locator('[role=progressbar]');
    assert.equal(await bar.getAttribute('aria-valuemax'), '7');
    assert.equal(await bar.getAttribute('aria-valuemin'), '0');
    assert.ok(Number(await bar.getAttribute('aria-valuenow')) >= 1);
    // One small polite live region, for the summary only.
    assert.equal(await panel.locator('[aria-live]').count(), 1);
    assert.equal(await panel.locator('#photolift-root[aria-live]').count(), 0);

    env.standin.setFaults({});
    await waitForSummary(panel, (s) => s.state === 'done' && s.total === 7, 120_000);
    assert.equal((await summary(panel)).failed, 1);
    // Select the failed row, so its whole reason shows too.
    await panel.locator('[data-testid=photolift-list]').focus();
    await page.keyboard.press('Home');
    assert.deepEqual(await axeProblems(panel), [], 'done with failures');

    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await panel.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    assert.deepEqual(await axeProblems(panel), [], 'dark mode, done with failures');
    await panel.locator('[data-testid=photolift-toggle]').press('Enter');
    assert.deepEqual(await axeProblems(panel), [], 'dark mode, collapsed');
  });

  it('works with the keyboard alone: pick, pause, resume, cancel (confirmed), retry, export, read a failed reason', async () => {
    const { page, panel } = await env.openPanel();
    // Listening first: Playwright turns on its file chooser interception (in every frame) only
    // once something listens, and that takes a moment; a chooser opened before is not seen.
    const chooserOpened = page.waitForEvent('filechooser', { timeout: 60_000 });
    const mouse = await countMouse([page.mainFrame(), panel]);
    env.standin.setFaults({ bandwidthBytesPerSec: 60_000 });
    const photos = makePhotos(env.fixtures.dir, 8);

    // From the page, Tab into the panel; Enter on "Choose photos…" opens the file chooser.
    await page.locator('body').focus();
    await tabTo(page, panel, 'pick-files');
    await page.keyboard.press('Enter');
    const chooser = await chooserOpened;
    await chooser.setFiles(photos);
    await waitForSummary(panel, (s) => s.state === 'running' && s.total === 9 && s.failed === 1, 60_000);

    // Pause: focus goes to Resume, which took its place; Resume gives it back to Pause.
    await tabTo(page, panel, 'pause');
    await page.keyboard.press('Enter');
    await waitForSummary(panel, (s) => s.state === 'paused');
    assert.equal(await focused(panel), 'resume');
    await page.keyboard.press('Enter');
    await waitForSummary(panel, (s) => s.state === 'running');
    assert.equal(await focused(panel), 'pause');

    // Cancel asks first; "Keep uploading" is the safe answer and has focus.
    await tabTo(page, panel, 'cancel');
    await page.keyboard.press('Enter');
    assert.equal(await focused(panel), 'cancel-keep');
    assert.match(await panel.locator('[data-testid=photolift-confirm-cancel]').innerText(), /\d+/);
    await page.keyboard.press('Enter');
    assert.equal(await focused(panel), 'cancel');
    assert.equal((await summary(panel)).state, 'running', 'keeping it going cancels nothing');
    await page.keyboard.press('Enter');
    await tabTo(page, panel, 'cancel-confirm');
    await page.keyboard.press('Enter');
    const cancelled = await waitForSummary(panel, (s) => s.state === 'done');
    assert.ok(cancelled.skipped >= 1, `the photos not uploaded yet were cancelled: ${JSON.stringify(cancelled)}`);
    assert.equal(cancelled.failed, 1);
    assert.ok(env.standin.state.received.length < 8, 'cancel stopped the upload');
    // Focus went to a control still there (Retry), not to the page.
    assert.equal(await focused(panel), 'retry-failed');

    // Retry the failed photo (it fails again: it is damaged).
    env.standin.setFaults({});
    await page.keyboard.press('Enter');
    await waitForSummary(panel, (s) => s.state === 'done' && s.failed === 1, 60_000);
    assert.notEqual(await focused(panel), 'body');

    // Export the report as CSV: the failed photo's reason is in it.
    await tabTo(page, panel, 'export-csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /a-damaged-photo-from-an-old-phone-backup\.heic/);

    // Reach the failed row with the keyboard and read its whole reason.
    await tabTo(page, panel, 'photolift-list');
    await page.keyboard.press('Home');
    const row = panel.locator('[data-testid=photolift-file]:focus');
    assert.equal(await row.getAttribute('data-state'), 'failed');
    const reason = (await rows(panel)).find((r) => r.state === 'failed').message;
    assert.ok(reason.length > 10, reason);
    const detail = panel.locator('[data-testid=photolift-detail]');
    assert.equal(await detail.isVisible(), true);
    assert.equal(await detail.getAttribute('data-name'), 'a-damaged-photo-from-an-old-phone-backup.heic');
    const shown = await detail.locator('.detail-message').evaluate((el) => ({
      text: el.innerText, clipped: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
    }));
    assert.ok(shown.text.includes(reason), `the detail shows the whole reason: ${shown.text}`);
    assert.equal(shown.clipped, false, 'the reason is wrapped, not cut');
    // Down goes to the next row.
    await page.keyboard.press('ArrowDown');
    assert.equal(await panel.locator('[data-testid=photolift-file]:focus').getAttribute('aria-posinset'), '2');

    assert.equal(await mouse(), 0, 'no mouse or pointer event reached the page or the panel');
  });
});
