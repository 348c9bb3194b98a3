// The session expires in the middle of a bulk upload (issue 4, "Signed out"): the Photos app is
// replaced in place by the sign-in view (the stand-in's shell does what the real single-page app
// does; the top document and the panel in it stay). The panel must pause and say why, and finish by
// itself once the user has signed in. An account with web access off (Advanced Data Protection)
// gets an explanation, not errors. Run: node --test tests/e2e/signout.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { TEST_SETTINGS, assertServerHolds, configurePanel, makeMixedFolder, waitUntil } from './bulk-fixtures.mjs';
import { EXTENSION_DIR, KEEPS_DROPPED_HANDLES } from './fixtures.mjs';
import { appFrame, signInOnPage, useStandinWithExtension } from './harness.mjs';
import { dropOnPanel, panelFrame, summary, waitForSummary } from './panel.mjs';

describe('signed out or unavailable', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);
  before(() => configurePanel(env.browser.context, TEST_SETTINGS));

  it('pauses with a plain notice, then completes after Sign In: the server holds exactly 150, none twice', { timeout: 120_000 }, async () => {
    const { standin, browser, fixtures } = env;
    const folder = makeMixedFolder(fixtures.dir, 150, { prefix: 'SIGNOUT_' });
    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    await appFrame(page);
    const panel = await panelFrame(page);
    await page.evaluate(() => { window.__sameDocument = true; });
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.paths);

    await waitUntil(() => standin.state.received.length >= 50, { timeout: 60_000, interval: 25, what: '50 received' });
    standin.signOut({ status: 421 }); // how iCloud answers an expired session today (401 too)
    // The app's next request gets 421 and the shell shows its sign-in view in place of the app.
    await page.locator('main.SignInView button.SignInButton').waitFor({ timeout: 10_000 });
    const atSignOut = standin.state.received.length;

    const paused = await waitForSummary(panel, (s) => s.state === 'paused', 15_000);
    assert.ok(paused.uploaded + paused.failed + paused.skipped < 150, JSON.stringify(paused));
    const notice = panel.locator('[data-testid=photolift-notice]');
    await waitUntil(async () => (await notice.isVisible()) && /signed out|sign in/i.test(await notice.innerText()), {
      timeout: 5000, what: 'the notice says the user is signed out',
    });
    // Nothing gets through while signed out, and the panel does not burn its retries on it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(standin.state.received.length, atSignOut, 'nothing stored while signed out');
    assert.equal((await summary(panel)).failed, 0, 'no file failed because of the sign-out');

    await signInOnPage(page);
    await appFrame(page);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
    const done = await waitForSummary(panel, (s) => s.total === 150 && s.uploaded + s.skipped + s.failed === 150 && s.state === 'done', 80_000);
    assert.equal(done.uploaded, 150, JSON.stringify(done));
    assert.equal(done.failed, 0);
    assertServerHolds(standin, { names: folder.uploadedNames });
    const shown = (await notice.count()) && (await notice.isVisible()) ? (await notice.innerText()).trim() : '';
    assert.equal(shown, '', 'the notice is gone once signed in');
  });
  it('web access off (Advanced Data Protection): the panel explains, the photos wait, none fails; allowed and reloaded, all 40 go up once', { timeout: 90_000 }, async () => {
    const { standin, browser, fixtures } = env;
    // One panel uploads at a time: the previous test's tab goes first.
    for (const open of browser.context.pages()) await open.close();
    standin.reset();
    standin.setWebAccess(false);
    try {
      const folder = makeMixedFolder(join(fixtures.dir, 'Waiting'), 40, { prefix: 'ADP_' });
      const page = await browser.context.newPage();
      await page.goto(PHOTOS_URL);
      await page.locator('main.DataAccessView').waitFor();
      const panel = await panelFrame(page);
      const notice = panel.locator('[data-testid=photolift-notice]');
      await waitUntil(async () => (await notice.isVisible()) && /Advanced Data Protection/.test(await notice.innerText()), {
        timeout: 10_000, what: 'the notice explains web access is off',
      });
      const explanation = await notice.innerText();
      assert.match(explanation, /Allow Data Access/, 'it says which setting to turn on');
      assert.doesNotMatch(explanation, /error|failed/i, 'it is an explanation, not an error');

      await dropOnPanel(page, panel, [folder.root]);
      await waitForSummary(panel, (s) => s.total === 40, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const waiting = await summary(panel);
      assert.equal(waiting.failed, 0, JSON.stringify(waiting));
      assert.equal(waiting.uploaded, 0);
      assert.equal(standin.state.attempts.length, 0, 'nothing was sent');

      // The user turns web access on (on the iPhone) and reloads: the dropped folder resumes at once
      // (in Chromium; Firefox asks for it again).
      standin.setWebAccess(true);
      await page.reload();
      await appFrame(page);
      const resumed = await panelFrame(page);
      if (!KEEPS_DROPPED_HANDLES) {
        // Firefox gives a drop no handles to keep: the panel asks for the photos, which are chosen again.
        await resumed.locator('[data-testid=photolift-resume]').waitFor({ state: 'visible', timeout: 10_000 });
        await resumed.locator('input[data-testid=photolift-files]').setInputFiles(folder.paths);
      }
      const done = await waitForSummary(resumed, (s) => s.total === 40 && s.uploaded + s.skipped + s.failed === 40, 60_000);
      assert.equal(done.uploaded, 40, JSON.stringify(done));
      assertServerHolds(standin, { names: folder.uploadedNames });
      const after = resumed.locator('[data-testid=photolift-notice]');
      const shown = (await after.count()) && (await after.isVisible()) ? (await after.innerText()).trim() : '';
      assert.equal(shown, '', 'the explanation is gone');
    } finally {
      standin.setWebAccess(true);
    }
  });
});
