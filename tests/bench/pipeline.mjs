#!/usr/bin/env node
// Pipeline benchmark (issue 12): how soon a cold panel starts converting, and whether a bulk upload
// keeps the panel's workers at the pace they convert alone. A benchmark, not a test: it prints
// tables (and exits non-zero only when a run fails or the server does not end up with every photo).
//
//   node tests/bench/pipeline.mjs            (after ./build.sh; part of ./build.sh bench)
//
// 1. Cold start. A fresh browser profile opens the Photos page (the stand-in); one 12 MP camera HEIC
//    is picked on the panel's file input (a) as soon as the panel shows, (b) after the panel has been
//    idle for PHOTOLIFT_BENCH_IDLE_MS (default 3000). Measured from the pick's `change` event (its
//    timeStamp) to the first conversion starting in a worker (the decode begins: the worker's
//    `photolift:convert` mark) and to the first JPEG posted back (`photolift:posted`). Median of
//    PHOTOLIFT_BENCH_COLD_RUNS panels (default 5) each.
// 2. Bulk upload against bare workers, in one browser. Each round makes N new distinct copies of the
//    camera HEIC (PHOTOLIFT_BENCH_PIPELINE_FILES, default 24). "bare": as many workers as the panel
//    runs (the same worker.js, started in the panel's own frame by this script) convert the N files,
//    one photo per worker at a time, and nothing else happens. "bulk": the same N files picked on the
//    panel, converted, handed to the page and uploaded to the stand-in; from the pick to the last
//    registration on the server. Rounds bare, bulk, bare, … (PHOTOLIFT_BENCH_PIPELINE_ROUNDS bulk
//    rounds, default 4: on two cores a single round's ratio moves by ±5–9 points, and the median of
//    two is their mean), so that each bulk round has a bare round on either side. The bare workers
//    live through all rounds, as the panel's do, and both are warmed up first with two photos
//    (untimed): a worker's first conversions run on WebAssembly code not optimised yet.
//    Then where the bulk upload's extra time went: before the first conversion, workers idle between
//    photos, conversions slower than bare (the page, the browser and the stand-in share the cores),
//    after the last conversion (the last batch's hand-over and upload); and the CPU time each part
//    of the system used (the panel's main thread from the DevTools protocol, the processes from
//    /proc, the stand-in from Node's own counters).
//
// PHOTOLIFT_BENCH_EXTENSION=<dir> measures that build instead of dist/chrome.
// PHOTOLIFT_BENCH_BASELINE=<another dist/chrome> measures that build too, interleaved (each cold run
// and each round runs both builds in turn); only builds with the `photolift:` marks
// (src/web/trace.rs) can be measured. PHOTOLIFT_BENCH_ONLY=cold|bulk runs one part.
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { CAMERA_HEIC, cameraHeics } from '../e2e/bulk-fixtures.mjs';
import { EXTENSION_DIR, tempDir } from '../e2e/fixtures.mjs';
import { appFrame, chromiumExecutable, launch } from '../e2e/harness.mjs';
import { panelFrame, summary } from '../e2e/panel.mjs';
import { chromiumProcesses, cpuTicks, findBrowserPid } from './procs.mjs';

const COLD_RUNS = Number(process.env.PHOTOLIFT_BENCH_COLD_RUNS ?? 5);
const IDLE_MS = Number(process.env.PHOTOLIFT_BENCH_IDLE_MS ?? 3000);
const N = Number(process.env.PHOTOLIFT_BENCH_PIPELINE_FILES ?? 24);
const ROUNDS = Number(process.env.PHOTOLIFT_BENCH_PIPELINE_ROUNDS ?? 4);
const ONLY = process.env.PHOTOLIFT_BENCH_ONLY ?? '';
const BUILDS = [['photolift', realpathSync(process.env.PHOTOLIFT_BENCH_EXTENSION ?? EXTENSION_DIR)]];
if (process.env.PHOTOLIFT_BENCH_BASELINE) BUILDS.push(['photolift before', realpathSync(process.env.PHOTOLIFT_BENCH_BASELINE)]);
// The panel's defaults (src/panel_model/settings.rs), for the bare workers.
const CONVERT = { quality: 92, dateRescue: true, hdrGainMap: true };
const TICK_S = 1 / 100; // /proc CPU ticks (USER_HZ)

const log = (...args) => console.error(`[pipeline ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

async function until(what, timeoutMs, probe) {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${typeof what === 'function' ? what() : what}: not after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

// ---- marks ----------------------------------------------------------------------------------------

/** Every `photolift:what:id` mark of a context, as {what, id, t} with t in ms since the epoch. */
const readMarks = () => performance.getEntriesByType('mark')
  .filter((m) => m.name.startsWith('photolift:'))
  .map((m) => {
    const [, what, id] = m.name.split(':');
    return { what, id: Number(id), t: performance.timeOrigin + m.startTime };
  });

const converterWorkers = (page) => page.workers().filter((w) => w.url().endsWith('/worker.js'));

/** Marks of every conversion worker of the panel (and of workers this script started there). */
async function workerMarks(page) {
  const out = [];
  for (const [index, worker] of converterWorkers(page).entries()) {
    const marks = await worker.evaluate(readMarks).catch(() => []);
    for (const m of marks) out.push({ ...m, worker: index, url: worker.url() });
  }
  return out;
}

/** A listener in the panel frame that keeps the first `change` event's time (ms since the epoch). */
async function watchPick(panel) {
  await panel.evaluate(() => {
    window.photoliftBenchPick = null;
    document.addEventListener('change', (event) => {
      window.photoliftBenchPick ??= performance.timeOrigin + event.timeStamp;
    }, { capture: true, once: true });
  });
}

async function openPanel(extensionDir, standin) {
  const browser = await launch({ extensionDir, standin });
  try {
    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    await appFrame(page);
    const panel = await panelFrame(page);
    return { browser, page, panel };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

// ---- 1. cold start ---------------------------------------------------------------------------------

async function coldRun(extensionDir, standin, idleMs) {
  standin.reset();
  const { browser, page, panel } = await openPanel(extensionDir, standin);
  try {
    if (idleMs) await sleep(idleMs);
    await watchPick(panel);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([CAMERA_HEIC]);
    const marks = await until('the first JPEG', 180_000, async () => {
      const all = await workerMarks(page);
      return all.some((m) => m.what === 'posted') ? all : null;
    });
    const pick = await panel.evaluate(() => window.photoliftBenchPick);
    const first = (what) => Math.min(...marks.filter((m) => m.what === what).map((m) => m.t)) - pick;
    return { job: first('job'), convert: first('convert'), posted: first('posted'), ready: first('ready') };
  } finally {
    await browser.close();
  }
}

async function coldStart(standin) {
  const results = new Map(); // `${build} ${case}` → [run]
  for (let run = 0; run < COLD_RUNS; run += 1) {
    for (const [name, dir] of BUILDS) {
      for (const [label, idle] of [['at once', 0], [`after ${IDLE_MS / 1000} s idle`, IDLE_MS]]) {
        const r = await coldRun(dir, standin, idle);
        const key = `${name}|${label}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(r);
        log(`cold ${run + 1}/${COLD_RUNS} ${name}, pick ${label}: conversion starts ${r.convert.toFixed(0)} ms, JPEG ${r.posted.toFixed(0)} ms after the pick`);
      }
    }
  }
  console.log(`\nCold panel: from picking one 12 MP HEIC (${CAMERA_HEIC.split('/').pop()}) to the first conversion in a worker; median of ${COLD_RUNS} fresh panels (min–max)`);
  console.log('| build | picked | worker has the job | conversion starts | first JPEG ready | workers ready (vs pick) |');
  console.log('|--|--|--:|--:|--:|--:|');
  const f = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  for (const [key, runs] of results) {
    const [name, label] = key.split('|');
    console.log(`| ${name} | ${label} | ${f(runs.map((r) => r.job))} | ${f(runs.map((r) => r.convert))} | ${f(runs.map((r) => r.posted))} | ${f(runs.map((r) => r.ready))} |`);
  }
}

// ---- 2. bulk against bare ------------------------------------------------------------------------

/** The panel's number of conversion workers, once each has said it is ready. */
async function panelWorkersReady(page) {
  return until('the panel\'s workers', 60_000, async () => {
    const marks = await workerMarks(page);
    const workers = converterWorkers(page).length;
    const ready = new Set(marks.filter((m) => m.what === 'ready').map((m) => m.worker)).size;
    return workers > 0 && ready === workers ? workers : null;
  });
}

/** `count` workers of this build converting `paths` in the panel's frame, nothing else running
 * (started on the first call, kept for the next). */
async function bareRound(session, paths, count) {
  const { panel, page } = session;
  await panel.evaluate(() => {
    document.getElementById('photolift-bench-input')?.remove();
    const input = document.createElement('input');
    Object.assign(input, { type: 'file', multiple: true, hidden: true, id: 'photolift-bench-input' });
    document.body.append(input);
  });
  await panel.locator('#photolift-bench-input').setInputFiles(paths);
  const result = await panel.evaluate(async ({ count, settings }) => {
    const files = [...document.getElementById('photolift-bench-input').files];
    const url = new URL('worker.js', location.href);
    const workers = window.photoliftBenchWorkers ?? await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const worker = new Worker(url, { type: 'module' });
      worker.onerror = (event) => reject(new Error(`worker: ${event.message}`));
      worker.onmessage = (event) => { if (event.data?.type === 'ready') resolve(worker); };
      // A worker that waits for its start message compiles its own module without one.
      worker.postMessage({ photolift: 'worker', type: 'start' });
    })));
    window.photoliftBenchWorkers = workers;
    const convert = (worker, job, file) => new Promise((resolve, reject) => {
      worker.onmessage = (event) => {
        if (event.data?.job !== job) return;
        if (event.data.type === 'converted') resolve(event.data.bytes?.byteLength ?? 0);
        else reject(new Error(`${file.name}: ${JSON.stringify(event.data.reason ?? event.data)}`));
      };
      worker.postMessage({ photolift: 'worker', type: 'convert', job, ...settings, file });
    });
    const queue = files.map((file, i) => ({ file, job: 100_000 + i }));
    const startedAt = performance.timeOrigin + performance.now();
    let bytes = 0;
    await Promise.all(workers.map(async (worker) => {
      for (let next = queue.shift(); next; next = queue.shift()) bytes += await convert(worker, next.job, next.file);
    }));
    return { startedAt, endedAt: performance.timeOrigin + performance.now(), bytes };
  }, { count, settings: CONVERT });
  const marks = (await workerMarks(page)).filter((m) => m.t >= result.startedAt && m.id >= 100_000);
  const wallMs = result.endedAt - result.startedAt;
  return { wallMs, perMin: (paths.length / wallMs) * 60_000, jobs: jobsOf(marks), jpegMB: result.bytes / paths.length / 2 ** 20 };
}

/** Per photo, from a worker's marks: when it got the job, read, hashed, converted, posted. */
function jobsOf(marks) {
  const jobs = new Map();
  for (const m of marks) {
    if (m.what === 'ready') continue;
    const key = `${m.url}|${m.worker}|${m.id}`;
    if (!jobs.has(key)) jobs.set(key, { worker: m.worker, id: m.id });
    jobs.get(key)[m.what] = m.t;
  }
  return [...jobs.values()].filter((j) => j.job != null && j.posted != null);
}

/** CPU seconds of each kind of process of the browser (and of this Node process: the stand-in). */
function cpuNow(browserPid) {
  const out = { extension: 0, renderer: 0, browser: cpuTicks(browserPid) * TICK_S, other: 0 };
  for (const { pid, kind } of chromiumProcesses(browserPid)) {
    const s = cpuTicks(pid) * TICK_S;
    if (kind in out && kind !== 'browser') out[kind] += s;
    else out.other += s;
  }
  const node = process.cpuUsage();
  out.standin = (node.user + node.system) / 1e6;
  return out;
}

async function mainThreadBusyS(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
}

async function bulkRound(session, paths, standin) {
  const { panel, page, cdpPanel, cdpPage, browserPid } = session;
  const before = standin.state.received.length;
  const cpu0 = cpuNow(browserPid);
  const busy0 = [await mainThreadBusyS(cdpPanel), await mainThreadBusyS(cdpPage)];
  const load0 = loadavg()[0];
  await watchPick(panel);
  await panel.locator('input[data-testid=photolift-files]').setInputFiles(paths);
  const registered = []; // ms since the epoch of each registration
  let last = null;
  const what = () => `the bulk upload (server ${registered.length}/${paths.length}, panel ${JSON.stringify(last)})`;
  await until(what, 120_000 + 30_000 * paths.length, async () => {
    const { received } = standin.state;
    while (before + registered.length < received.length) {
      registered.push(Date.now());
      received[before + registered.length - 1].bytes = null; // keep this process small
    }
    const s = await summary(panel);
    last = s;
    if (registered.length < paths.length) return false;
    return s.total >= paths.length && s.uploaded + s.skipped + s.failed === s.total ? s : null;
  });
  const load1 = loadavg()[0];
  const cpu1 = cpuNow(browserPid);
  const busy1 = [await mainThreadBusyS(cdpPanel), await mainThreadBusyS(cdpPage)];
  const pick = await panel.evaluate(() => window.photoliftBenchPick);
  const marks = (await workerMarks(page)).filter((m) => m.t >= pick && m.id < 100_000);
  const panelMarks = (await panel.evaluate(readMarks)).filter((m) => m.t >= pick);
  const pageMarks = (await page.evaluate(readMarks)).filter((m) => m.t >= pick);
  const end = registered.at(-1);
  const cpu = Object.fromEntries(Object.keys(cpu0).map((k) => [k, cpu1[k] - cpu0[k]]));
  return {
    pick, end, wallMs: end - pick, perMin: (paths.length / (end - pick)) * 60_000,
    jobs: jobsOf(marks), panelMarks, pageMarks, registered,
    panelBusyS: busy1[0] - busy0[0], pageBusyS: busy1[1] - busy0[1], cpu, load: [load0, load1],
  };
}

/** Where a bulk round's time went against its bare neighbours' (ms, each for the whole round). */
function breakdown(bulk, bare, workers) {
  const jobs = [...bulk.jobs].sort((a, b) => a.job - b.job);
  const firstJob = Math.min(...jobs.map((j) => j.job));
  const lastPosted = Math.max(...jobs.map((j) => j.posted));
  const byWorker = new Map();
  for (const j of jobs) {
    if (!byWorker.has(j.worker)) byWorker.set(j.worker, []);
    byWorker.get(j.worker).push(j);
  }
  let idle = 0;
  for (const list of byWorker.values()) {
    for (let i = 1; i < list.length; i += 1) idle += Math.max(0, list[i].job - list[i - 1].posted);
  }
  const busy = (js) => sum(js.map((j) => j.posted - j.job));
  const bareJobs = bare.flatMap((b) => b.jobs);
  const barePerPhoto = busy(bareJobs) / Math.max(1, bareJobs.length);
  const bulkPerPhoto = busy(jobs) / Math.max(1, jobs.length);
  const bareWall = sum(bare.map((b) => b.wallMs)) / bare.length;
  const start = firstJob - bulk.pick;
  const idleShare = idle / workers;
  const slower = ((bulkPerPhoto - barePerPhoto) * jobs.length) / workers;
  const tail = bulk.end - lastPosted;
  const rest = bulk.wallMs - bareWall - start - idleShare - slower - tail;
  const during = (from, to) => sum(jobs.filter((j) => j[from] != null && j[to] != null).map((j) => Math.max(0, j[to] - j[from])));
  // Hashing on the worker's path: before the conversion (read → hashed, when it is hashed first),
  // or waiting for it after (converted → hashed).
  const hashing = sum(jobs.map((j) => (j.hashed < j.convert ? j.hashed - j.read : Math.max(0, j.hashed - j.converted))));
  const pairs = (list, from, to) => {
    const starts = new Map(list.filter((m) => m.what === from).map((m) => [m.id, m.t]));
    return sum(list.filter((m) => m.what === to && starts.has(m.id)).map((m) => m.t - starts.get(m.id)));
  };
  const batches = bulk.panelMarks.filter((m) => m.what === 'batch');
  const handOver = sum(bulk.pageMarks.filter((m) => m.what === 'handed').map((m) => {
    const sent = batches.find((b) => b.id === m.id);
    return sent ? m.t - sent.t : 0;
  }));
  return {
    bareWall, start, idleShare, idle, slower, tail, rest, barePerPhoto, bulkPerPhoto,
    hashing, readMs: during('job', 'read'), postMs: during('converted', 'posted'),
    thumbnails: pairs(bulk.panelMarks, 'thumbnail', 'thumbnailed'), thumbnailCount: bulk.panelMarks.filter((m) => m.what === 'thumbnailed').length,
    handOver, pageHandOver: pairs(bulk.pageMarks, 'handover', 'handed'), batches: batches.length,
  };
}

async function bulkAgainstBare(standin, scratch) {
  const sessions = [];
  for (const [name, dir] of BUILDS) {
    standin.reset();
    const session = await openPanel(dir, standin);
    session.name = name;
    session.workers = await panelWorkersReady(session.page);
    session.browserPid = findBrowserPid(session.browser.userDataDir);
    session.cdpPanel = await session.browser.context.newCDPSession(session.panel);
    session.cdpPage = await session.browser.context.newCDPSession(session.page);
    await session.cdpPanel.send('Performance.enable');
    await session.cdpPage.send('Performance.enable');
    session.bare = [];
    session.bulk = [];
    sessions.push(session);
  }
  try {
    let made = 0;
    const photos = () => {
      const dir = join(scratch, `round-${made}`);
      mkdirSync(dir, { recursive: true });
      made += 1;
      return cameraHeics(dir, N, Date.UTC(2015, 0, 1) / 1000 + made * N * 60);
    };
    // First, untimed, a few photos through each: a worker's first conversions run on code its
    // WebAssembly engine has not optimised yet, which the rounds should not measure.
    // Each build uploads photos of its own (the server would take another build's for duplicates).
    for (const s of sessions) {
      const warmUp = photos().slice(0, 2);
      await bareRound(s, warmUp, s.workers);
      await bulkRound(s, warmUp, standin);
    }
    // bare, bulk, bare, bulk, …, bare: every bulk round between two bare ones, on its own photos.
    const paths = new Map(sessions.map((s) => [s, photos()]));
    for (let round = 0; round <= ROUNDS; round += 1) {
      for (const s of sessions) {
        const bare = await bareRound(s, paths.get(s), s.workers);
        s.bare.push(bare);
        log(`${s.name}: bare ${s.workers} worker(s), ${N} photos in ${(bare.wallMs / 1000).toFixed(1)} s = ${bare.perMin.toFixed(1)}/min`);
      }
      if (round === ROUNDS) break;
      for (const s of sessions) {
        paths.set(s, photos());
        // The other build's browser idles meanwhile.
        const bulk = await bulkRound(s, paths.get(s), standin);
        s.bulk.push(bulk);
        log(`${s.name}: bulk upload of ${N} photos in ${(bulk.wallMs / 1000).toFixed(1)} s = ${bulk.perMin.toFixed(1)}/min`);
      }
    }
  } finally {
    for (const s of sessions) await s.browser.close();
  }

  console.log(`\nBulk upload against bare workers: ${N} new 12 MP HEICs a round (copies of ${CAMERA_HEIC.split('/').pop()}), the panel's own number of workers; rounds bare, bulk, bare, … on the same photos`);
  console.log('| build | workers | bare photos/min (each round) | bulk photos/min (each round) | bulk ÷ bare (each bulk round against the bare rounds either side) |');
  console.log('|--|--:|--|--|--|');
  for (const s of sessions) {
    const ratios = s.bulk.map((b, i) => b.perMin / ((s.bare[i].perMin + s.bare[i + 1].perMin) / 2));
    console.log(`| ${s.name} | ${s.workers} | ${s.bare.map((b) => b.perMin.toFixed(1)).join(', ')} | ${s.bulk.map((b) => b.perMin.toFixed(1)).join(', ')} | ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')} (median ${(median(ratios) * 100).toFixed(0)} %) |`);
  }
  console.log('\nWhere a bulk round\'s time goes (s for the round; mean of its rounds): bulk = bare + before the first conversion + workers idle between photos (per worker) + conversions slower than bare (per worker) + after the last conversion + the rest');
  console.log('| build | bare | bulk | before 1st conversion | workers idle | slower conversions | after last conversion | rest | conversion per photo bare → bulk | hashing on the worker\'s path | reading the file | posting the JPEG | thumbnails (n, wall, off the thread) | panel → page hand-over (batches) | panel main thread busy | page main thread busy | CPU s: extension process, page renderer(s), browser, other Chromium, stand-in (Node) | load avg (1 min) |');
  console.log(`|--|${'--:|'.repeat(17)}`);
  for (const s of sessions) {
    const parts = s.bulk.map((b, i) => ({ ...breakdown(b, [s.bare[i], s.bare[i + 1]], s.workers), bulk: b }));
    const mean = (get) => sum(parts.map(get)) / parts.length;
    const sec = (get) => (mean(get) / 1000).toFixed(1);
    const cpu = (k) => mean((p) => p.bulk.cpu[k]).toFixed(1);
    console.log(`| ${s.name} | ${sec((p) => p.bareWall)} | ${sec((p) => p.bulk.wallMs)} | ${sec((p) => p.start)} | ${sec((p) => p.idleShare)} | ${sec((p) => p.slower)} | ${sec((p) => p.tail)} | ${sec((p) => p.rest)} | `
      + `${mean((p) => p.barePerPhoto).toFixed(0)} → ${mean((p) => p.bulkPerPhoto).toFixed(0)} ms | ${sec((p) => p.hashing)} | ${sec((p) => p.readMs)} | ${sec((p) => p.postMs)} | `
      + `${mean((p) => p.thumbnailCount).toFixed(0)}, ${sec((p) => p.thumbnails)} | ${sec((p) => p.handOver)} (${mean((p) => p.batches).toFixed(0)}) | `
      + `${mean((p) => p.bulk.panelBusyS).toFixed(1)} | ${mean((p) => p.bulk.pageBusyS).toFixed(1)} | ${cpu('extension')}, ${cpu('renderer')}, ${cpu('browser')}, ${cpu('other')}, ${cpu('standin')} | `
      + `${mean((p) => p.bulk.load[0]).toFixed(1)} → ${mean((p) => p.bulk.load[1]).toFixed(1)} |`);
  }
  for (const s of sessions) {
    const received = s.bulk.reduce((n, b) => n + b.registered.length, 0);
    if (received !== N * s.bulk.length) {
      console.log(`\n!!!!! WARNING: ${s.name}: the server registered ${received} photos, expected ${N * s.bulk.length} !!!!!`);
      process.exitCode = 1;
    }
  }
}

// ---- main -----------------------------------------------------------------------------------------

const scratch = tempDir('photolift-pipeline-');
const standin = await startStandin();
try {
  console.log(`photolift pipeline benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model}), `
    + `${execFileSync(chromiumExecutable(), ['--version'], { encoding: 'utf8' }).trim()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`builds: ${BUILDS.map(([name, dir]) => `${name} = ${dir}`).join('; ')}`);
  if (ONLY !== 'bulk') await coldStart(standin);
  if (ONLY !== 'cold') await bulkAgainstBare(standin, scratch.dir);
} catch (error) {
  console.error(`pipeline bench failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await standin.close();
  scratch.remove();
}
