// Where the panel is: a narrow window gets a narrow panel; the panel is dragged by its bar,
// resized by its corner grip (also with the arrow keys), docked in the next corner by a click on
// its move handle, and remembered after a reload; it steps aside from the page's own upload
// progress; collapsed it is a pill with live progress and nothing else of the panel shows.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitUntil } from './bulk-fixtures.mjs';
import { EXTENSION_DIR, magick } from './fixtures.mjs';
import { appFrame, useFreshBrowserPerTest } from './harness.mjs';
import { panelFrame, waitForSummary } from './panel.mjs';

/**
 * Drags the frame by the point `at` on it, by (dx, dy), in steps of `step` px; `corner(box)` is
 * the point of the frame that follows the pointer. Two things of a headless Chromium decide how:
 * - It delivers no move that falls outside the frame, and the frame follows each move a moment
 *   later: so each step waits until the frame is within one step of where the pointer was
 *   (with a fixed pause per step, a busy machine lost a move, and every later one).
 * - It delivers mouse moves to the frame's document aligned to its animation frames (38 moves
 *   sent gave 35 to 37 events), and twice a move had no effect until more input came: the frame
 *   stayed for 5 s where the move before had left it, with the pointer well inside it. A mouse
 *   in a hand never stops sending; this one does. So when the frame has not followed
 *   a step, the pointer moves a pixel back and again, and what was held comes through.
 */
async function drag(page, at, dx, dy, { step = 8, corner }) {
  const steps = Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) / step);
  const start = corner(await box(page));
  const within = (i, [slackX, slackY]) => (b) => {
    const [x, y] = corner(b);
    return Math.abs(x - (start[0] + (dx * i) / steps)) <= slackX && Math.abs(y - (start[1] + (dy * i) / steps)) <= slackY;
  };
  /** The pointer at `point`; then, until the frame is `near`, a pixel there and back. */
  const moveTo = async (point, near, what) => {
    await page.mouse.move(point.x, point.y);
    for (let nudge = 0; nudge < 20; nudge += 1) {
      if (await waitForBox(page, near, what, 250).then(() => true, () => false)) return;
      await page.mouse.move(point.x - Math.sign(dx), point.y - Math.sign(dy));
      await page.mouse.move(point.x, point.y);
    }
    await waitForBox(page, near, what);
  };
  const oneStep = [Math.abs(dx) / steps + 1, Math.abs(dy) / steps + 1];
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i += 1) {
    const point = { x: at.x + (dx * i) / steps, y: at.y + (dy * i) / steps };
    await moveTo(point, within(i, oneStep), `step ${i} of ${steps} of the drag followed`);
  }
  await moveTo({ x: at.x + dx, y: at.y + dy }, within(steps, [1, 1]), 'the drag\'s end reached');
  await page.mouse.up();
}

const box = (page) => page.locator('iframe#photolift-panel').boundingBox();
const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Reads `read()` every 50 ms until `holds` is true of it, and returns it; after `timeout`,
 * throws `failure(last value read)`.
 */
async function poll(read, holds, failure, timeout = 5_000) {
  let last;
  try {
    return await waitUntil(async () => {
      last = await read();
      return holds(last) && last;
    }, { timeout, interval: 50 });
  } catch {
    throw new Error(failure(last));
  }
}

/** Waits until the panel's frame has `predicate(box)`; returns that box. */
function waitForBox(page, predicate, what, timeout = 5_000) {
  return poll(() => box(page), (b) => b && predicate(b), (last) => `${what}: the panel's frame is at ${JSON.stringify(last)}`, timeout);
}

/**
 * Waits until the panel's own document has the frame's size `b`. The frame's document lives in
 * another process and learns its new size a moment after the frame changed: a part measured
 * before that sits where the old size put it, perhaps outside the frame, where a press misses it.
 */
function waitForPanelSize(panel, b, what) {
  return poll(() => panel.evaluate(() => [innerWidth, innerHeight]),
    ([width, height]) => width === Math.round(b.width) && height === Math.round(b.height),
    (last) => `${what}: the panel's document is ${last} for a frame of ${b.width}×${b.height}`);
}

describe('layout: the panel can be moved, resized, collapsed and stays out of the page\'s way', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, { prefix: 'photolift-layout-' });

  it('moves, resizes, docks, and is remembered after a reload', async () => {
    const page = await env.browser.context.newPage();
    const vp = page.viewportSize(); // Playwright's default, 1280 × 720
    await page.goto('https://www.icloud.com/photos/');
    await appFrame(page);
    const panel = await panelFrame(page);
    const wide = await waitForBox(page, (b) => b.width === 400, 'default width');
    assert.equal(Math.round(wide.x + wide.width), vp.width - 16, 'docked bottom right');
    assert.equal(Math.round(wide.y + wide.height), vp.height - 16);

    const start = wide;
    await waitForPanelSize(panel, start, 'default size');
    // Drag the bar: the frame follows the pointer.
    const bar = await panel.locator('.bar .title').boundingBox();
    await drag(page, { x: bar.x + 40, y: bar.y + 8 }, -300, -110, { corner: (b) => [b.x, b.y] });
    const moved = await waitForBox(page, (b) => Math.abs(b.x - (start.x - 300)) <= 2, 'dragged');
    assert.ok(Math.abs(moved.y - (start.y - 110)) <= 2, `dragged up: ${JSON.stringify({ start, moved })}`);

    // The grip resizes: by keyboard (16 px a press) and by dragging.
    await panel.locator('[data-testid=photolift-resize]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    const smaller = await waitForBox(page, (b) => b.width === moved.width - 16, 'resized by keyboard');
    assert.equal(smaller.height, moved.height - 16);
    await waitForPanelSize(panel, smaller, 'resized by keyboard');
    const grip = await panel.locator('[data-testid=photolift-resize]').boundingBox();
    // In steps of 3 px: the grip's middle is 9 px from the frame's edges, and each step must
    // land inside the frame, which may be a step and a pixel behind.
    await drag(page, { x: grip.x + grip.width / 2, y: grip.y + grip.height / 2 }, 60, 20,
      { step: 3, corner: (b) => [b.x + b.width, b.y + b.height] });
    const resized = await waitForBox(page, (b) => b.width === smaller.width + 60, 'resized by dragging');
    assert.equal(resized.height, smaller.height + 20);
    assert.equal(Math.round(resized.x), Math.round(smaller.x), 'resizing does not move it');

    // The move handle by keyboard.
    await panel.locator('[data-testid=photolift-move]').focus();
    await page.keyboard.press('ArrowRight');
    const nudged = await waitForBox(page, (b) => Math.round(b.x) === Math.round(resized.x) + 16, 'moved by keyboard');

    // Remembered: a reload puts it back where it was, at the same size.
    await page.waitForTimeout(600); // the layout is written 300 ms after the last change
    await page.reload();
    await appFrame(page);
    const panelAgain = await panelFrame(page);
    await waitForBox(page, (b) => Math.abs(b.x - nudged.x) <= 1 && Math.abs(b.y - nudged.y) <= 1 &&
      b.width === nudged.width && b.height === nudged.height, 'remembered after reload');

    // A click on the move handle (no drag) docks it in the next corner, clockwise: it is in the
    // top right quarter now, so bottom right, then bottom left.
    await panelAgain.locator('[data-testid=photolift-move]').click();
    await waitForBox(page, (b) => Math.round(b.x + b.width) === vp.width - 16 && Math.round(b.y + b.height) === vp.height - 16,
      'docked bottom right');
    await panelAgain.locator('[data-testid=photolift-move]').click();
    await waitForBox(page, (b) => Math.round(b.x) === 16 && Math.round(b.y + b.height) === vp.height - 16, 'docked bottom left');
  });

  it('is narrow in a narrow window, steps aside from the page\'s own upload progress, and collapsed is a pill with live progress', async () => {
    const page = await env.browser.context.newPage();
    await page.setViewportSize({ width: 900, height: 700 });
    await page.goto('https://www.icloud.com/photos/');
    const app = await appFrame(page);
    const panel = await panelFrame(page);
    // (The viewport's emulation makes pointer screen coordinates unreal: no dragging in this test.)
    const narrow = await waitForBox(page, (b) => b.width < 330, 'narrow window');
    assert.ok(narrow.width >= 280 && narrow.width / 900 < 0.36, `narrow panel: ${narrow.width}px of 900`);
    assert.ok(narrow.y + narrow.height <= 700, 'fits the window height');
    await page.setViewportSize({ width: 1280, height: 800 });
    await waitForBox(page, (b) => b.width === 400, 'wide again');
    const photos = [];
    for (let i = 0; i < 3; i += 1) {
      const path = join(env.fixtures.dir, `p${i}.png`);
      magick(['-size', '300x200', `gradient:red-${['blue', 'green', 'yellow'][i]}`, path]);
      photos.push(path);
    }
    // The pointer rests on the panel while the page's progress appears: the panel keeps still
    // under it (a button must not jump from under a click)…
    const before = await box(page);
    await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(photos);
    await waitForSummary(panel, (s) => s.state === 'done' && s.uploaded === 3, 60_000);
    const progress = await app.locator('.UploadProgress').boundingBox();
    assert.ok(progress && progress.width > 0, 'the page shows its progress');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // three of the panel's looks at the page
    assert.deepEqual(await box(page), before, 'the panel moved under the pointer');
    assert.equal(await page.locator('iframe#photolift-panel').getAttribute('data-snapped'), 'false');

    // …and when the pointer leaves, it steps aside: the page's progress card is in the bottom
    // right corner, where the panel sat; the panel is beside it now, covering none of it.
    await page.mouse.move(5, 5);
    const appOffset = await page.locator('iframe.child-application').boundingBox();
    const card = { ...progress, x: progress.x, y: progress.y };
    assert.ok(card.width > 0 && appOffset);
    const aside = await waitForBox(page, (b) => !overlaps(b, card), 'stepped aside from the page\'s progress');
    assert.equal(await page.locator('iframe#photolift-panel').getAttribute('data-snapped'), 'true');
    assert.ok(aside.x + aside.width <= card.x, `left of the page's progress: ${JSON.stringify({ aside, card })}`);

    // Collapsed: a pill with the progress, and no part of the open panel (the drop zone neither).
    await panel.locator('[data-testid=photolift-toggle]').click();
    const pill = await waitForBox(page, (b) => b.height <= 48, 'collapsed');
    assert.ok(pill.width <= 260, `a pill: ${JSON.stringify(pill)}`);
    assert.equal(await panel.locator('[data-testid=photolift-pill]').innerText(), '3/3');
    assert.equal(await panel.locator('[data-testid=photolift-drop]').isVisible(), false);
    assert.equal(await panel.locator('[data-testid=photolift-toggle]').getAttribute('aria-expanded'), 'false');
    await panel.locator('[data-testid=photolift-toggle]').click();
    await waitForBox(page, (b) => b.height > 200, 'open again');
    assert.equal(await panel.locator('[data-testid=photolift-drop]').isVisible(), true);
  });
});
