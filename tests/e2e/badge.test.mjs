// Word when it is done (issue 11): the toolbar badge shows how far an upload is while it runs and
// its result after; a system notification tells a user who is in another tab that a run of more
// than a few photos finished, or that it needs them (a failed file, signed out); clicking it brings
// the iCloud Photos tab and the panel back. Read where the user sees them: the badge and the
// notifications through the extension's own chrome.action and chrome.notifications, in its service
// worker; the notification's click runs the very handler the browser calls.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, beforeEach, describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { TEST_SETTINGS, assertServerHolds, configurePanel, extensionWorker, makeMixedFolder, waitUntil } from './bulk-fixtures.mjs';
import { CORPUS, EXTENSION_DIR } from './fixtures.mjs';
import { appFrame, signInOnPage, useStandinWithExtension } from './harness.mjs';
import { panelFrame, settled, waitForSummary } from './panel.mjs';

const badge = (worker) => worker.evaluate(async () => ({
  text: await chrome.action.getBadgeText({}),
  title: await chrome.action.getTitle({}),
  color: await chrome.action.getBadgeBackgroundColor({}),
}));
const notificationIds = async (worker) => Object.keys(await worker.evaluate(() => chrome.notifications.getAll()));

// chrome.notifications tells the ids of the notifications shown, not their words: the words are
// read from the calls to chrome.notifications.create, recorded (and passed on) in the worker.
async function recordNotifications(worker) {
  await worker.evaluate(() => {
    if (globalThis.__created) return;
    globalThis.__created = [];
    const create = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (id, options) => {
      globalThis.__created.push({ id, ...options });
      return create(id, options);
    };
  });
}
const created = (worker) => worker.evaluate(() => globalThis.__created.splice(0));

// Every text the badge is given, in order, recorded (and passed on) in the worker: sampling the
// badge from here would miss texts that last less than a sample on a busy machine.
async function recordBadgeTexts(worker) {
  await worker.evaluate(() => {
    if (globalThis.__badgeTexts) return;
    globalThis.__badgeTexts = [];
    const setBadgeText = chrome.action.setBadgeText.bind(chrome.action);
    chrome.action.setBadgeText = (details) => {
      globalThis.__badgeTexts.push(details.text);
      return setBadgeText(details);
    };
  });
}
const badgeTexts = (worker) => worker.evaluate(() => globalThis.__badgeTexts.splice(0));

async function openPanel(context) {
  const page = await context.newPage();
  await page.goto(PHOTOS_URL);
  await appFrame(page);
  return { page, panel: await panelFrame(page) };
}

const photosTab = (worker) => worker.evaluate(async (pattern) => (await chrome.tabs.query({ url: pattern }))[0].id, `${PHOTOS_URL}*`);
const isActive = (worker, tabId) => worker.evaluate(async (id) => (await chrome.tabs.get(id)).active, tabId);

/** The user opens another tab in the same window: the iCloud Photos tab goes behind it. */
async function goElsewhere(context, worker, tabId) {
  const opened = context.waitForEvent('page');
  await worker.evaluate(async (id) => {
    const { windowId } = await chrome.tabs.get(id);
    await chrome.tabs.create({ url: 'about:blank', windowId, active: true });
  }, tabId);
  const other = await opened;
  assert.equal(await isActive(worker, tabId), false);
  return other;
}

/** One panel uploads at a time: the tabs of the test before go first. */
async function closeAll(context) {
  for (const open of context.pages()) await open.close();
}

describe('the toolbar badge and notifications', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);
  let worker;
  before(async () => {
    await configurePanel(env.browser.context, TEST_SETTINGS);
    worker = await extensionWorker(env.browser.context);
    await recordNotifications(worker);
    await recordBadgeTexts(worker);
  });
  // Each test starts from the usual settings, with nothing recorded by the one before.
  beforeEach(async () => {
    await configurePanel(env.browser.context, TEST_SETTINGS);
    await created(worker);
    await badgeTexts(worker);
  });

  it('shows progress while uploading and a check after; a finished run of 30 notifies the user in another tab, and its click brings the panel back', { timeout: 120_000 }, async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    // Batches of five: the page answers for a batch at once, so the progress moves in six steps.
    await configurePanel(browser.context, { ...TEST_SETTINGS, batchSize: 5 });
    const folder = makeMixedFolder(join(fixtures.dir, 'Done'), 30, { prefix: 'DONE_' });
    await closeAll(browser.context);
    const { page, panel } = await openPanel(browser.context);
    const tabId = await photosTab(worker);
    assert.equal((await badge(worker)).text, '', 'no badge before an upload');

    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.paths);
    // The user goes to another tab while the photos go up.
    const other = await goElsewhere(browser.context, worker, tabId);

    await waitForSummary(panel, settled(30), 60_000);
    await waitUntil(async () => (await badge(worker)).text === '✓', { timeout: 5_000, what: 'the badge shows the result' });
    const texts = await badgeTexts(worker);
    const during = texts.filter((t) => /^\d+%$/.test(t)).map((t) => Number.parseInt(t, 10));
    assert.ok(during.length >= 3, `the badge showed the progress: ${JSON.stringify(texts)}`);
    assert.ok(during.every((p, i) => p >= 0 && p <= 99 && (i === 0 || p > during[i - 1])), `it only grew: ${during}`);
    const done = await waitForSummary(panel, settled(30), 5_000);
    assert.equal(done.uploaded, 30);
    assertServerHolds(standin, { names: folder.uploadedNames });

    await waitUntil(async () => (await badge(worker)).text === '✓', { timeout: 5_000, what: 'the badge shows the result' });
    const result = await badge(worker);
    assert.match(result.title, /finished, 30 uploaded/);
    assert.deepEqual(result.color.slice(0, 3), [0x1b, 0x7a, 0x34], 'green');

    const id = `photolift-tab-${tabId}`;
    await waitUntil(async () => (await notificationIds(worker)).includes(id), { timeout: 5_000, what: 'a notification' });
    const [shown] = await created(worker);
    assert.equal(shown.title, 'Your photos are in iCloud Photos');
    assert.equal(shown.message, '30 uploaded. Click to see the list.');

    // The panel is collapsed (as a user may leave it); the click on the notification brings the
    // tab, its window and the panel forward.
    await panel.locator('button.hide').evaluate((button) => button.click());
    await page.waitForFunction(() => document.getElementById('photolift-panel').dataset.expanded === 'false');
    await worker.evaluate((clicked) => globalThis.photoliftNotificationClicked(clicked), id);
    assert.equal(await isActive(worker, tabId), true, 'the iCloud Photos tab is in front');
    assert.equal(await worker.evaluate(async (tab) => (await chrome.windows.get((await chrome.tabs.get(tab)).windowId)).focused, tabId), true);
    await page.waitForFunction(() => document.getElementById('photolift-panel').dataset.expanded === 'true');
    assert.deepEqual(await notificationIds(worker), [], 'the notification is gone');
    // Back on the tab, the result is seen: the badge clears.
    await waitUntil(async () => (await badge(worker)).text === '', { timeout: 5_000, what: 'the badge clears' });
    assert.match((await badge(worker)).title, /Open iCloud Photos/);
    await other.close();
    await page.close();
  });

  it('a failed file: the badge counts it and the user in another tab is told, even in a run of three', { timeout: 90_000 }, async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const dir = join(fixtures.dir, 'Failed');
    mkdirSync(dir, { recursive: true });
    const folder = makeMixedFolder(dir, 2, { prefix: 'FAIL_' });
    const broken = join(dir, 'broken.heic');
    copyFileSync(join(CORPUS, 'malformed', 'github_45.heic'), broken);
    await closeAll(browser.context);
    const { page, panel } = await openPanel(browser.context);
    const tabId = await photosTab(worker);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([...folder.paths, broken]);
    const other = await goElsewhere(browser.context, worker, tabId);

    const done = await waitForSummary(panel, settled(3), 60_000);
    assert.equal(done.failed, 1, JSON.stringify(done));
    await waitUntil(async () => (await badge(worker)).text === '1', { timeout: 5_000, what: 'the badge counts the failed file' });
    const result = await badge(worker);
    assert.match(result.title, /1 failed/);
    assert.deepEqual(result.color.slice(0, 3), [0xa3, 0x4a, 0x00], 'a warning colour');
    const id = `photolift-tab-${tabId}`;
    await waitUntil(async () => (await notificationIds(worker)).includes(id), { timeout: 5_000, what: 'a notification' });
    const [shown] = await created(worker);
    assert.equal(shown.title, 'Upload finished: some photos need a look');
    assert.equal(shown.message, '2 uploaded · 1 failed. Click to see why and to retry them.');

    // The user comes back by themselves: the notification and the result are seen.
    await page.bringToFront();
    await waitUntil(async () => (await notificationIds(worker)).length === 0 && (await badge(worker)).text === '', {
      timeout: 5_000, what: 'the notification and the badge clear',
    });
    await other.close();
    await page.close();
  });

  it('signed out mid-run: "!" and a notification, gone when the user comes to the tab; signed in, the badge counts on', { timeout: 120_000 }, async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    standin.setFaults({ bandwidthBytesPerSec: 60_000 });
    const folder = makeMixedFolder(join(fixtures.dir, 'SignOut'), 40, { prefix: 'OUT_' });
    await closeAll(browser.context);
    const { page, panel } = await openPanel(browser.context);
    const tabId = await photosTab(worker);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.paths);
    const other = await goElsewhere(browser.context, worker, tabId);

    await waitUntil(() => standin.state.received.length >= 5, { timeout: 60_000, interval: 25, what: '5 received' });
    standin.signOut({ status: 421 });
    await page.locator('main.SignInView button.SignInButton').waitFor({ timeout: 10_000 });
    await waitUntil(async () => (await badge(worker)).text === '!', { timeout: 15_000, what: 'the badge asks for the user' });
    assert.match((await badge(worker)).title, /signed you out/);
    const id = `photolift-tab-${tabId}`;
    await waitUntil(async () => (await notificationIds(worker)).includes(id), { timeout: 5_000, what: 'a notification' });
    const [shown] = await created(worker);
    assert.equal(shown.title, 'Upload paused: iCloud signed you out');
    assert.match(shown.message, /^\d+ of 40 done\. Sign in on the iCloud Photos tab/);

    // The user comes to the tab (the notice there says why): the notification has done its job.
    await page.bringToFront();
    await waitUntil(async () => (await notificationIds(worker)).length === 0, { timeout: 5_000, what: 'the notification goes' });
    assert.equal((await badge(worker)).text, '!', 'the badge still says the upload waits');
    await signInOnPage(page);
    await appFrame(page);
    await waitUntil(async () => /^\d+%$/.test((await badge(worker)).text) || (await badge(worker)).text === '✓', {
      timeout: 15_000, what: 'the badge counts on',
    });
    await goElsewhere(browser.context, worker, tabId);
    const done = await waitForSummary(panel, settled(40), 90_000);
    assert.equal(done.uploaded, 40);
    assertServerHolds(standin, { names: folder.uploadedNames });
    await waitUntil(async () => (await badge(worker)).text === '✓', { timeout: 5_000, what: 'the result' });
    const [finished] = await created(worker);
    assert.equal(finished?.title, 'Your photos are in iCloud Photos', 'the run of 40 finished: the user in another tab is told');
    await other.close();
    await page.close();
  });

  it('a user who watches the panel gets the badge but no notification', { timeout: 90_000 }, async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const folder = makeMixedFolder(join(fixtures.dir, 'Watched'), 10, { prefix: 'SEEN_' });
    await closeAll(browser.context);
    const { page, panel } = await openPanel(browser.context);
    await page.bringToFront();
    assert.equal(await isActive(worker, await photosTab(worker)), true);
    await waitUntil(async () => (await badge(worker)).text === '', { timeout: 5_000, what: 'no badge left from before' });
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.paths);
    await waitForSummary(panel, settled(10), 60_000);
    await waitUntil(async () => (await badge(worker)).text === '✓', { timeout: 5_000, what: 'the result' });
    // The panel sends its requests one after another, a notification before the result's badge:
    // with the check on the badge, any notification would have been created.
    assert.deepEqual(await created(worker), [], 'no notification for a user who is looking');
    assert.deepEqual(await notificationIds(worker), []);
    await page.close();
  });
});

