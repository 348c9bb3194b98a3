#!/usr/bin/env node
// Intake benchmark (issue 4, "10,000 files must not freeze the panel"): a folder of N small photos
// (JPEG/PNG/HEIC mix over sub-folders) DROPPED on the panel (a browser-level drop), uploaded to the
// iCloud stand-in. A benchmark, not a test: it prints a table, and exits non-zero only when the run
// itself fails or the server does not end up holding N distinct photos.
//
//   node tests/bench/intake.mjs                        # N = 10000
//   PHOTOLIFT_BENCH_INTAKE_FILES=2000 node tests/bench/intake.mjs
//
// Measured inside the panel frame (its own renderer process), with the browser's clocks:
//   - listed: from the drop to every file being listed (summary data-total = N);
//   - long tasks (PerformanceObserver "longtask", >= 50 ms on the panel's main thread) during the
//     listing and during the upload: count, longest, and blocking time (the part of each task over
//     50 ms, summed) — what a user feels as a frozen panel;
//   - Pause: from the click (mid-upload) to the summary saying "paused"; scroll: from jumping to the
//     end of the list to its last row being drawn;
//   - the panel's JS heap at the end (performance.memory, coarse), and the server's count.
import { join } from 'node:path';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { makeMixedFolder } from '../e2e/bulk-fixtures.mjs';
import { EXTENSION_DIR, tempDir } from '../e2e/fixtures.mjs';
import { appFrame, launch } from '../e2e/harness.mjs';
import { dropOnPanel, panelFrame, summary } from '../e2e/panel.mjs';

const N = Number(process.env.PHOTOLIFT_BENCH_INTAKE_FILES ?? 10_000);
const TIMEOUT_MS = (300 + N * 0.2) * 1000;
const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (!Number.isInteger(N) || N < 1) {
  console.error(`bench: PHOTOLIFT_BENCH_INTAKE_FILES must be a positive integer, not ${process.env.PHOTOLIFT_BENCH_INTAKE_FILES}`);
  process.exit(2);
}

// Installed in the panel before the drop: records long tasks and when the summary changes.
function installProbes(total) {
  const probe = { tasks: [], listedAt: null, doneAt: null, pausedAt: null };
  window.__photoliftBench = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.tasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const el = document.querySelector('[data-testid=photolift-summary]');
  new MutationObserver(() => {
    const now = performance.now();
    if (probe.listedAt === null && Number(el.dataset.total) >= total) probe.listedAt = now;
    if (probe.pausedAt === null && probe.pauseClickedAt && el.dataset.state === 'paused') probe.pausedAt = now;
    if (probe.doneAt === null && el.dataset.state === 'done') probe.doneAt = now;
  }).observe(el, { attributes: true });
  probe.droppedAt = performance.now();
}

function pauseNow() {
  const probe = window.__photoliftBench;
  probe.pauseClickedAt = performance.now();
  document.querySelector('[data-action=pause]').click();
}

// Jumps to the end of the list; resolves to ms until a row of `lastName` is drawn.
function scrollToEnd(lastName) {
  const viewport = document.querySelector('.rows-viewport');
  const started = performance.now();
  viewport.scrollTop = viewport.scrollHeight;
  viewport.dispatchEvent(new Event('scroll'));
  return new Promise((resolve) => {
    const check = () => {
      const found = [...document.querySelectorAll('[data-testid=photolift-file]')].some((r) => r.dataset.name === lastName);
      if (found) resolve(performance.now() - started);
      else if (performance.now() - started > 10_000) resolve(null);
      else requestAnimationFrame(check);
    };
    check();
  });
}

function taskStats(tasks, from, to) {
  const within = tasks.filter(([start]) => start >= from && (to === null || start < to));
  return {
    count: within.length,
    longest: Math.max(0, ...within.map(([, d]) => d)),
    blocking: within.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0),
  };
}

const ms = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
const s = (v) => (v === null || v === undefined ? '–' : `${(v / 1000).toFixed(1)} s`);

async function main() {
  const scratch = tempDir('photolift-bench-intake-');
  const standin = await startStandin();
  const browser = await launch({ extensionDir: EXTENSION_DIR, standin });
  try {
    log(`writing ${N} photos`);
    const folder = makeMixedFolder(join(scratch.dir, 'Photos'), N, { heicShare: 0.1, pngShare: 0.1 });
    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    await appFrame(page);
    const panel = await panelFrame(page);
    await panel.evaluate(installProbes, N);
    log('dropping the folder');
    await dropOnPanel(page, panel, [folder.root]);

    // Rows are listed in path order.
    const lastRow = folder.files.map((f) => `Photos/${f.relative}`).sort().at(-1);
    const deadline = Date.now() + TIMEOUT_MS;
    let paused = false;
    let scrollMs = null;
    let lastLog = Date.now();
    for (;;) {
      const now = await summary(panel);
      if (Date.now() - lastLog > 30_000) {
        log(`${now.uploaded + now.skipped + now.failed}/${now.total} finished, server ${standin.state.received.length}`);
        lastLog = Date.now();
      }
      const finished = now.uploaded + now.skipped + now.failed;
      if (!paused && now.total === N && finished >= N / 2) {
        scrollMs = await panel.evaluate(scrollToEnd, lastRow);
        await panel.evaluate(pauseNow);
        await sleep(1000);
        await panel.locator('[data-action=resume]').click();
        paused = true;
      }
      if (now.state === 'done' && now.total === N) break;
      if (Date.now() > deadline) throw new Error(`not done within ${TIMEOUT_MS / 1000} s: ${JSON.stringify(now)}`);
      await sleep(500);
    }
    const probe = await panel.evaluate(() => {
      const p = window.__photoliftBench;
      return { ...p, heap: performance.memory?.usedJSHeapSize ?? null };
    });
    const final = await summary(panel);
    const distinct = new Set(standin.state.received.map((r) => r.sha256)).size;
    const listing = taskStats(probe.tasks, probe.droppedAt, probe.listedAt);
    const upload = taskStats(probe.tasks, probe.listedAt ?? probe.droppedAt, null);

    console.log(`\nIntake of ${N} files dropped as a folder (${folder.files.length} photos: 80 % JPEG, 10 % PNG, 10 % HEIC), panel main thread:\n`);
    console.log('| files | listed after drop | long tasks while listing (count / longest / blocking) | long tasks while uploading (count / longest / blocking) | Pause → paused | scroll to end → last row | upload | panel JS heap | server received |');
    console.log('|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    console.log(`| ${N} | ${s(probe.listedAt - probe.droppedAt)} | ${listing.count} / ${ms(listing.longest)} / ${ms(listing.blocking)} | ${upload.count} / ${ms(upload.longest)} / ${ms(upload.blocking)} | ${ms(probe.pausedAt - probe.pauseClickedAt)} | ${ms(scrollMs)} | ${s(probe.doneAt - probe.droppedAt)} | ${probe.heap ? `${Math.round(probe.heap / 1048576)} MB` : '–'} | ${standin.state.received.length} (${distinct} distinct) |`);
    console.log(`\nsummary: ${JSON.stringify(final)}`);
    if (standin.state.received.length !== N || distinct !== N || final.uploaded !== N) process.exitCode = 1;
  } finally {
    await browser.close();
    await standin.close();
    scratch.remove();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
