// Reading the photolift panel through its test contract (README, "The panel's test contract"): iframe#photolift-panel,
// input[data-testid=photolift-files], [data-testid=photolift-file] rows, [data-testid=photolift-summary].

import { waitUntil } from './bulk-fixtures.mjs';

/** The panel's frame inside the Photos page, once the panel has rendered. */
export async function panelFrame(page, { timeout = 15_000 } = {}) {
  const handle = await page.waitForSelector('iframe#photolift-panel', { state: 'attached', timeout });
  const frame = await handle.contentFrame();
  await frame.waitForSelector('[data-testid=photolift-summary]', { state: 'attached', timeout });
  return frame;
}

/** A summary predicate: `total` files, every one of them finished (uploaded, skipped or failed). */
export const settled = (total) => (s) => s.total === total && s.uploaded + s.skipped + s.failed === total;
/** Settled and `done`: what the panel says is in storage too, so the tab may close now. */
export const finished = (total) => (s) => settled(total)(s) && s.state === 'done';

/**
 * Clicks a control of the panel as a person does: the pointer comes to rest on it, and the press
 * comes once the content script knows (the iframe's `data-pointer=inside`). Until then the frame
 * may step aside from the page's upload progress, which appears as uploads start: a press sent
 * to where the control was a moment before lands on the page instead.
 */
export async function clickInPanel(page, control) {
  // Each pass points at where the control is now; the frame keeps still once the pointer is on it.
  await waitUntil(async () => {
    await control.hover();
    return control.evaluate((el) => el.matches(':hover'));
  }, { timeout: 15_000, interval: 0, what: 'the pointer at rest on the control' });
  await page.locator('iframe#photolift-panel[data-pointer=inside]').waitFor({ state: 'attached', timeout: 5_000 });
  await control.click();
}

export async function summary(panel) {
  return panel.locator('[data-testid=photolift-summary]').evaluate((el) => ({
    total: Number(el.dataset.total),
    uploaded: Number(el.dataset.uploaded),
    skipped: Number(el.dataset.skipped),
    failed: Number(el.dataset.failed),
    state: el.dataset.state,
  }));
}

/** Waits until `predicate(summary)` holds; fails with the last summary and rows when it never does. */
export async function waitForSummary(panel, predicate, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await summary(panel);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const detail = (await rows(panel)).map((r) => `${r.name}: ${r.state} ${r.message}`).join('\n');
  throw new Error(`panel summary never matched; last ${JSON.stringify(last)}\n${detail}`);
}

export async function rows(panel) {
  return panel.locator('[data-testid=photolift-file]').evaluateAll((els) => els.map((el) => ({
    name: el.dataset.name,
    state: el.dataset.state,
    message: el.querySelector('.message')?.textContent ?? '',
  })));
}

/** Records every error toast the Photos app shows from now on (they vanish after a few seconds). */
export async function recordToasts(app) {
  await app.evaluate(() => {
    window.__photoliftTestToasts = [];
    const seen = new WeakSet();
    const scan = () => {
      for (const el of document.querySelectorAll('[role=alert], .ErrorToast')) {
        if (!seen.has(el)) {
          seen.add(el);
          window.__photoliftTestToasts.push(el.textContent.trim());
        }
      }
    };
    new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
    scan();
  });
}

/**
 * Drops files or folders from disk on the panel's drop zone the way the OS does (a browser-level
 * drag through the DevTools protocol, not a synthetic DOM event), so the panel gets real
 * File System Access handles with the drop.
 */
export async function dropOnPanel(page, panel, paths) {
  if (page.dropFiles) return page.dropFiles(panel, paths); // Firefox: firefox.mjs
  const zone = await panel.locator('[data-testid=photolift-drop]').boundingBox();
  const at = { x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  try {
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop']) {
      await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    }
  } finally {
    await cdp.detach();
  }
}
