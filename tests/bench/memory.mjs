#!/usr/bin/env node
// Memory benchmark (issue 4): peak memory of the photolift panel and its workers while uploading N
// 12-megapixel photos to the iCloud stand-in. A benchmark, not a test: it prints a table (and exits
// non-zero only when the run itself fails or the server does not end up holding N photos).
//
//   node tests/bench/memory.mjs                      # N = 1000 HEICs (long on a 2-core machine)
//   PHOTOLIFT_BENCH_FILES=20 node tests/bench/memory.mjs
//
// Environment:
//   PHOTOLIFT_BENCH_FILES=N          photos per format (default 1000)
//   PHOTOLIFT_BENCH_FORMATS=heic,png formats, one table row each (default heic); `video` is one drop of
//                                    a 3 GB video (PHOTOLIFT_BENCH_VIDEO_GB) and N HEICs
//   PHOTOLIFT_BENCH_VIDEO_GB=G       the video's size for `video` (default 3)
//   PHOTOLIFT_BENCH_TIMEOUT_S=S      bound on one format's upload (default 120 + 10 s per photo)
//   PHOTOLIFT_BENCH_STALL_S=S        abort when nothing moves for S seconds (default 300)
//   PHOTOLIFT_BENCH_JSON=path        also write the results as JSON
//   PHOTOLIFT_BENCH_SETTINGS='{..}'  panel settings (extension storage); default: the panel's defaults
//
// Needs the built extension in dist/chrome (./build.sh) and ImageMagick (`convert`) for PNG.
//
// Inputs. HEIC: copies of ../shared/corpus/heic/pug.heic (4032×3024, iPhone 13 Pro). The panel keeps
// the source EXIF/XMP (capture date included) and the converted pixels are the same for every copy,
// so the converted JPEGs would be byte-identical and the server (like iCloud) would answer 409 to all
// but the first. Each copy therefore gets its own capture date (the EXIF and XMP date strings are
// rewritten in place, same length: no offset moves), its own mtime, and a `free` box appended (unique
// source bytes, as bulk-fixtures.mjs does). Video: a QuickTime header and then nothing, a sparse
// file of 3 GB (it costs no disk); it must go up unchanged, as the original File, never read whole
// (the stand-in streams it through SHA-256 and the bench compares size and hash). PNG: one 4000×3000 image made with ImageMagick, each copy
// with its own tEXt chunk and mtime (a PNG has no date, so the panel writes one from the mtime).
//
// What is measured, sampled every 250 ms from /proc (Linux only):
//   - the extension renderer process(es) (`--extension-process` on the command line): the panel
//     page, its dedicated conversion workers (same process, own threads and V8 isolates) and the
//     extension's service worker: VmRSS over time and VmHWM (the kernel's peak RSS) at the end;
//   - the Photos page's renderer (the non-extension renderer that used the most CPU: it reads and
//     POSTs every file), the browser process, and the sum over all of Chromium's processes;
//   - the panel frame's JS heap (CDP Runtime.getHeapUsage on the panel's out-of-process frame: the
//     panel's main-thread isolate only, not the workers' isolates or their WASM memories; those are
//     in the RSS).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream, mkdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { cameraHeics, uniquePng } from '../e2e/bulk-fixtures.mjs';
import { CORPUS, EXTENSION_DIR, identify, tempDir } from '../e2e/fixtures.mjs';
import { appFrame, launch } from '../e2e/harness.mjs';
import { chromiumProcesses, cpuTicks, findBrowserPid, readProc, statusKb } from './procs.mjs';
import { panelFrame, summary } from '../e2e/panel.mjs';

const N = Number(process.env.PHOTOLIFT_BENCH_FILES ?? 1000);
const FORMATS = (process.env.PHOTOLIFT_BENCH_FORMATS ?? 'heic').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
const TIMEOUT_MS = Number(process.env.PHOTOLIFT_BENCH_TIMEOUT_S ?? 120 + 10 * N) * 1000;
const STALL_MS = Number(process.env.PHOTOLIFT_BENCH_STALL_S ?? 300) * 1000;
const SETTINGS = process.env.PHOTOLIFT_BENCH_SETTINGS ? JSON.parse(process.env.PHOTOLIFT_BENCH_SETTINGS) : null;
const SAMPLE_MS = 250;
const PUG = join(CORPUS, 'heic', 'pug.heic');
const MB = 1024 * 1024;
const FIRST_MTIME_S = Date.UTC(2016, 0, 1, 8, 0, 0) / 1000;

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (!Number.isInteger(N) || N < 1) fail(`PHOTOLIFT_BENCH_FILES must be a positive integer, not ${process.env.PHOTOLIFT_BENCH_FILES}`);
for (const f of FORMATS) if (!['heic', 'png', 'video'].includes(f)) fail(`unknown format ${f} (heic, png, video)`);
const VIDEO_BYTES = Math.round(Number(process.env.PHOTOLIFT_BENCH_VIDEO_GB ?? 3) * 1024 ** 3);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---- inputs -------------------------------------------------------------------------------------

const pad = (i) => String(i + 1).padStart(5, '0');

function makePngs(dir, n, scratch) {
  const basePath = join(scratch, 'base.png');
  // 12 MP with real structure but a file size that keeps N copies on disk reasonable.
  execFileSync('convert', ['-size', '4000x3000', '-seed', '7', 'plasma:steelblue-orange', '-blur', '0x3', '-depth', '8', basePath],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const base = readFileSync(basePath);
  for (let i = 0; i < n; i += 1) {
    const mtime = FIRST_MTIME_S + i * 60;
    const path = join(dir, `PNG_${pad(i)}.png`);
    writeFileSync(path, uniquePng(base, `photolift bench ${i} ${dir}`));
    utimesSync(path, mtime, mtime);
  }
  return base.length;
}

// A QuickTime file's first box (ftyp qt) and a `wide` box, then zeros up to `size`, written sparse.
function makeVideo(path, size) {
  const ftyp = Buffer.from('00000014667479707174202000000200717420200000000877696465', 'hex');
  writeFileSync(path, ftyp);
  truncateSync(path, size);
  utimesSync(path, FIRST_MTIME_S, FIRST_MTIME_S);
}

// SHA-256 of a file, streamed.
async function fileSha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 * MB })) hash.update(chunk);
  return hash.digest('hex');
}

// ---- processes ----------------------------------------------------------------------------------

/** Samples RSS of every Chromium process every SAMPLE_MS until stop(). */
function startSampler(browserPid) {
  const perPid = new Map(); // pid → {kind, samples: [rssKb], peakRssKb}
  let tree = [];
  let treeAt = 0;
  const totals = [];
  let running = true;
  const sampleOnce = () => {
    if (Date.now() - treeAt > 2000) { // new processes are rare; walk /proc every 2 s
      tree = [{ pid: browserPid, kind: 'browser' }, ...chromiumProcesses(browserPid)];
      treeAt = Date.now();
    }
    let total = 0;
    for (const { pid, kind } of tree) {
      const status = readProc(pid, 'status');
      if (!status) continue;
      const rss = statusKb(status, 'VmRSS');
      total += rss;
      let entry = perPid.get(pid);
      if (!entry) perPid.set(pid, entry = { pid, kind, samples: [], peakRssKb: 0, hwmKb: 0 });
      entry.samples.push(rss);
      entry.peakRssKb = Math.max(entry.peakRssKb, rss);
      entry.hwmKb = statusKb(status, 'VmHWM'); // kept from the last sample where the process was alive
      entry.threads = statusKb(status, 'Threads') || Number(status.match(/^Threads:\s+(\d+)/m)?.[1] ?? 0);
    }
    totals.push(total);
  };
  const loop = (async () => {
    while (running) {
      sampleOnce();
      await sleep(SAMPLE_MS);
    }
  })();
  return {
    sampleOnce,
    async stop() {
      running = false;
      await loop;
      sampleOnce();
      for (const entry of perPid.values()) entry.cpuTicks = cpuTicks(entry.pid);
      return { perPid: [...perPid.values()], totals };
    },
  };
}

// ---- one run --------------------------------------------------------------------------------------

async function runFormat(format, standin, scratch) {
  const dir = join(scratch, format);
  mkdirSync(dir, { recursive: true });
  const madeAt = Date.now();
  let sourceBytes;
  let video = null;
  const expected = format === 'video' ? N + 1 : N;
  if (format === 'heic') {
    cameraHeics(dir, N, FIRST_MTIME_S);
    sourceBytes = readFileSync(PUG).length;
  } else if (format === 'video') {
    cameraHeics(dir, N, FIRST_MTIME_S);
    sourceBytes = readFileSync(PUG).length;
    video = { name: 'IMG_9000.MOV', size: VIDEO_BYTES };
    makeVideo(join(dir, video.name), VIDEO_BYTES);
    video.sha256 = await fileSha256(join(dir, video.name));
  } else {
    sourceBytes = makePngs(dir, N, scratch);
  }
  log(`${format}: wrote ${N} files (${(sourceBytes / MB).toFixed(1)} MB each) in ${((Date.now() - madeAt) / 1000).toFixed(1)} s`);

  standin.reset();
  const browser = await launch({ extensionDir: EXTENSION_DIR, standin });
  activeBrowser = browser;
  let sampler = null;
  let cdp = null;
  try {
    if (SETTINGS) {
      const { configurePanel } = await import('../e2e/bulk-fixtures.mjs');
      await configurePanel(browser.context, SETTINGS);
    }
    const browserPid = findBrowserPid(browser.userDataDir);
    if (!browserPid) throw new Error('could not find the Chromium browser process in /proc');

    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    await appFrame(page);
    const panel = await panelFrame(page);

    try {
      cdp = await browser.context.newCDPSession(panel);
      await cdp.send('Runtime.getHeapUsage');
    } catch (error) {
      log(`panel JS heap not available over CDP (${String(error.message).split('\n')[0]}); RSS only`);
      cdp = null;
    }
    const heap = { peakUsed: 0, peakTotal: 0, samples: 0 };
    const sampleHeap = async () => {
      if (!cdp) return;
      try {
        const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
        heap.peakUsed = Math.max(heap.peakUsed, usedSize);
        heap.peakTotal = Math.max(heap.peakTotal, totalSize);
        heap.samples += 1;
      } catch { /* the frame went away: keep what we have */ }
    };

    await sleep(1500); // let the idle panel settle
    sampler = startSampler(browserPid);
    sampler.sampleOnce();
    const idle = chromiumProcesses(browserPid).filter((p) => p.kind === 'extension')
      .reduce((sum, p) => sum + statusKb(readProc(p.pid, 'status'), 'VmRSS'), 0);
    const browserIdle = statusKb(readProc(browserPid, 'status'), 'VmRSS');
    await sampleHeap();

    const started = Date.now();
    await panel.locator('input[data-testid=photolift-folder]').setInputFiles(dir);
    log(`${format}: dropped the folder; converting and uploading ${expected} files`);

    const { received } = standin.state;
    let firstBytes = null;
    let last = null;
    let lastChange = Date.now();
    let lastKey = '';
    let lastLog = 0;
    let workers = 0;
    const workerUrls = new Set();
    for (;;) {
      // Only the first upload's bytes are kept (checked below): N × ~3 MB would otherwise pile up in
      // this process. sha256 (what the stand-in's duplicate check uses) stays.
      for (const item of received) {
        if (item.index === 0 && !firstBytes) firstBytes = item.bytes;
        if (item.bytes) item.bytes = null;
      }
      last = await summary(panel).catch(() => last);
      await sampleHeap();
      workers = Math.max(workers, page.workers().length);
      for (const w of page.workers()) workerUrls.add(w.url().replace(/^(chrome-extension:\/\/)[a-p]{32}/, '$1…'));
      const key = `${received.length}/${JSON.stringify(last)}`;
      if (key !== lastKey) [lastKey, lastChange] = [key, Date.now()];
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        const s = (Date.now() - started) / 1000;
        log(`${format}: ${received.length}/${N} on the server after ${s.toFixed(0)} s; panel ${JSON.stringify(last)}`);
      }
      if (last && last.total >= expected && last.uploaded + last.skipped + last.failed === last.total) break;
      if (Date.now() - started > TIMEOUT_MS) throw new Error(`${format}: not done after ${TIMEOUT_MS / 1000} s (PHOTOLIFT_BENCH_TIMEOUT_S); panel ${JSON.stringify(last)}, server ${received.length}`);
      if (Date.now() - lastChange > STALL_MS) throw new Error(`${format}: nothing moved for ${STALL_MS / 1000} s; panel ${JSON.stringify(last)}, server ${received.length}`);
      await sleep(1000);
    }
    const wallMs = Date.now() - started;
    // Uploads the page still had in flight when the panel called them done are not expected, but
    // give the server a moment before counting.
    await sleep(500);
    const result = await sampler.stop();
    sampler = null;
    for (const item of received) {
      if (item.index === 0 && !firstBytes) firstBytes = item.bytes;
      item.bytes = null;
    }

    const ext = result.perPid.filter((p) => p.kind === 'extension');
    const renderers = result.perPid.filter((p) => p.kind === 'renderer').sort((a, b) => b.cpuTicks - a.cpuTicks);
    const pageRenderer = renderers[0];
    const browserProc = result.perPid.find((p) => p.kind === 'browser');
    const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const extSeries = sumSeries(ext.map((p) => p.samples));
    const first = firstBytes ? identify(firstBytes) : null;
    const jpegs = received.filter((r) => r.name !== video?.name);
    const avgJpeg = jpegs.length ? jpegs.reduce((sum, r) => sum + r.size, 0) / jpegs.length : 0;
    const videoOnServer = video && received.find((r) => r.name === video.name);
    return {
      format, n: expected,
      video: video && {
        name: video.name, sizeGB: video.size / 1024 ** 3,
        arrived: Boolean(videoOnServer), sameSize: videoOnServer?.size === video.size,
        sameSha256: videoOnServer?.sha256 === video.sha256,
      }, wallS: wallMs / 1000, perMin: (received.length / wallMs) * 60_000, sPerPhoto: wallMs / 1000 / Math.max(1, received.length),
      received: received.length, distinct: new Set(received.map((r) => r.sha256)).size, panel: last,
      attempts: standin.state.attempts.length,
      sourceMB: sourceBytes / MB, jpegMB: avgJpeg / MB, firstJpeg: first,
      ext: {
        processes: ext.length,
        idleMB: idle / 1024,
        peakRssMB: Math.max(0, ...extSeries) / 1024,
        hwmMB: ext.reduce((sum, p) => sum + p.hwmKb, 0) / 1024,
        meanRssMB: mean(extSeries) / 1024,
        threads: Math.max(0, ...ext.map((p) => p.threads ?? 0)),
      },
      page: pageRenderer && {
        peakRssMB: pageRenderer.peakRssKb / 1024, hwmMB: pageRenderer.hwmKb / 1024,
        meanRssMB: mean(pageRenderer.samples) / 1024, otherRenderers: renderers.length - 1,
      },
      // Blob bytes (the converted JPEGs handed to the page) are held by the browser process's blob
      // registry, so its growth over a run is part of the panel's footprint.
      browser: browserProc && {
        idleMB: browserIdle / 1024, peakRssMB: browserProc.peakRssKb / 1024, hwmMB: browserProc.hwmKb / 1024,
        endRssMB: browserProc.samples.at(-1) / 1024, blobs: await blobInternals(browser.context),
      },
      allPeakRssMB: Math.max(0, ...result.totals) / 1024,
      panelHeap: cdp ? { peakUsedMB: heap.peakUsed / MB, peakTotalMB: heap.peakTotal / MB, samples: heap.samples } : null,
      workersSeen: workers,
      workerUrls: [...workerUrls],
      samples: result.totals.length,
      processes: result.perPid.map(({ pid, kind, peakRssKb, hwmKb, cpuTicks: t }) => ({ pid, kind, peakRssMB: peakRssKb / 1024, hwmMB: hwmKb / 1024, cpuTicks: t })),
    };
  } finally {
    if (sampler) await sampler.stop().catch(() => {});
    await cdp?.detach().catch(() => {});
    await browser.close();
    activeBrowser = null;
    rmSync(dir, { recursive: true, force: true });
  }
}

// What chrome://blob-internals lists at the end (the browser's live blobs), best effort.
async function blobInternals(context) {
  let page = null;
  try {
    page = await context.newPage();
    await page.goto('chrome://blob-internals', { timeout: 10_000 });
    const text = await page.locator('body').innerText({ timeout: 5000 });
    const blocks = text.split(/\n(?=[0-9a-f-]{36}\n)/);
    const jpeg = blocks.filter((b) => /Content Type: image\/jpeg/.test(b));
    const length = (b) => Number(b.match(/Length: ([\d,]+)/)?.[1].replace(/,/g, '') ?? 0);
    return {
      entries: (text.match(/^Refcount:/gim) ?? []).length,
      jpegBlobs: jpeg.length,
      jpegMB: jpeg.reduce((sum, b) => sum + length(b), 0) / MB,
    };
  } catch (error) {
    return { error: String(error.message).split('\n')[0] };
  } finally {
    await page?.close().catch(() => {});
  }
}

// Element-wise sum of per-process series (processes that appear late are aligned at the end).
function sumSeries(series) {
  const length = Math.max(0, ...series.map((s) => s.length));
  const out = new Array(length).fill(0);
  for (const s of series) for (let i = 0; i < s.length; i += 1) out[length - s.length + i] += s[i];
  return out;
}

// ---- report ---------------------------------------------------------------------------------------

function table(results) {
  const f0 = (x) => (x == null ? '–' : x.toFixed(0));
  const f1 = (x) => (x == null ? '–' : x.toFixed(1));
  const columns = [
    ['N', (r) => String(r.n)],
    ['format', (r) => r.format],
    ['wall s', (r) => f0(r.wallS)],
    ['s/photo', (r) => r.sPerPhoto.toFixed(2)],
    ['photos/min', (r) => f1(r.perMin)],
    ['ext peak RSS MB', (r) => f0(r.ext.peakRssMB)],
    ['ext VmHWM MB', (r) => f0(r.ext.hwmMB)],
    ['ext mean RSS MB', (r) => f0(r.ext.meanRssMB)],
    ['ext idle MB', (r) => f0(r.ext.idleMB)],
    ['panel JS heap MB', (r) => (r.panelHeap ? f1(r.panelHeap.peakUsedMB) : '–')],
    ['page peak RSS MB', (r) => f0(r.page?.peakRssMB)],
    ['page VmHWM MB', (r) => f0(r.page?.hwmMB)],
    ['page mean RSS MB', (r) => f0(r.page?.meanRssMB)],
    ['browser idle MB', (r) => f0(r.browser?.idleMB)],
    ['browser VmHWM MB', (r) => f0(r.browser?.hwmMB)],
    ['browser end MB', (r) => f0(r.browser?.endRssMB)],
    ['all procs peak MB', (r) => f0(r.allPeakRssMB)],
    ['server count', (r) => `${r.received}${r.received === r.n ? '' : ' (!)'}`],
    ['video unchanged', (r) => (r.video ? (r.video.sameSize && r.video.sameSha256 ? 'yes' : 'NO') : '–')],
  ];
  const cells = results.map((r) => columns.map(([, get]) => get(r)));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(columns.map(([h]) => h)), `|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`, ...cells.map(line)].join('\n');
}

// ---- main -----------------------------------------------------------------------------------------

const scratch = tempDir('photolift-bench-');
let standin = null;
let activeBrowser = null;
let interrupted = false;
const cleanup = async () => {
  await activeBrowser?.close().catch(() => {});
  await standin?.close().catch(() => {});
  scratch.remove();
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping`);
    // runFormat's finally closes the browser when its awaits fail; make sure we end regardless.
    cleanup().finally(() => process.exit(130));
    setTimeout(() => process.exit(130), 10_000).unref();
  });
}

let exitCode = 0;
const results = [];
try {
  standin = await startStandin();
  log(`N=${N}, formats ${FORMATS.join(', ')}, stand-in on port ${standin.port}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} CPUs`);
  for (const format of FORMATS) {
    const r = await runFormat(format, standin, scratch.dir);
    results.push(r);
    log(`${format}: done in ${r.wallS.toFixed(1)} s; per process: ${r.processes.map((p) => `${p.kind}:${p.pid} HWM ${p.hwmMB.toFixed(0)} MB`).join(', ')}`);
  }
} catch (error) {
  console.error(`bench failed: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanup();
}

if (results.length) {
  console.log(`\nphotolift memory benchmark — ${new Date().toISOString()}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} CPUs, Chromium ${execFileSync(
    (await import('../e2e/harness.mjs')).chromiumExecutable(), ['--version'], { encoding: 'utf8' }).trim()}`);
  console.log(`settings: ${SETTINGS ? JSON.stringify(SETTINGS) : 'panel defaults'}\n`);
  console.log(table(results));
  console.log('');
  for (const r of results) {
    console.log(`${r.format}: source ${r.sourceMB.toFixed(1)} MB/photo, JPEG sent ${r.jpegMB.toFixed(1)} MB/photo`
      + `${r.firstJpeg ? ` (${r.firstJpeg.width}×${r.firstJpeg.height} ${r.firstJpeg.format})` : ''}; `
      + `panel summary ${JSON.stringify(r.panel)}; ${r.attempts} upload requests, ${r.distinct} distinct; `
      + `${r.ext.processes} extension process(es), up to ${r.ext.threads} threads; ${r.workersSeen} page workers seen by Playwright (${r.workerUrls.join(', ')}); `
      + `${r.page ? r.page.otherRenderers : '?'} other renderer(s); ${r.samples} samples; `
      + `chrome://blob-internals at the end: ${r.browser?.blobs?.error ?? `${r.browser?.blobs?.entries} blobs, ${r.browser?.blobs?.jpegBlobs} of them image/jpeg totalling ${r.browser?.blobs?.jpegMB?.toFixed(0)} MB`}`);
    if (r.video) {
      console.log(`${r.format}: ${r.video.name} (${r.video.sizeGB.toFixed(1)} GB) ${r.video.arrived ? 'on the server' : 'NOT on the server'}, `
        + `size ${r.video.sameSize ? 'equal' : 'DIFFERENT'}, SHA-256 ${r.video.sameSha256 ? 'equal' : 'DIFFERENT'}`);
      if (!(r.video.sameSize && r.video.sameSha256)) exitCode = exitCode || 1;
    }
    if (r.received !== r.n || r.distinct !== r.n) {
      console.log(`\n!!!!! WARNING: ${r.format}: the server holds ${r.received} photos (${r.distinct} distinct), expected ${r.n} !!!!!\n`);
      exitCode = exitCode || 1;
    }
  }
  console.log(`\next = the extension renderer process (panel page + its conversion workers + service worker); `
    + 'peak RSS = highest 250 ms sample of VmRSS, VmHWM = the kernel\'s peak RSS over the process lifetime '
    + '(both are approximate: the kernel updates RSS counters lazily, so either can be the higher by a few %); '
    + 'page = the Photos tab\'s renderer; panel JS heap = panel main-thread isolate only.');
  if (process.env.PHOTOLIFT_BENCH_JSON) writeFileSync(process.env.PHOTOLIFT_BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
}
process.exit(exitCode);
