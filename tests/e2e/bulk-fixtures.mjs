// Many distinct photos, fast: one small base JPEG, PNG and HEIC, each copy made unique by a
// metadata block the decoders skip (so 1,000 files take well under a second to write):
//   JPEG  a COM segment right after SOI            (the panel passes JPEG through: bytes stay unique)
//   PNG   a tEXt chunk before IEND, with its CRC
//   HEIC  a top-level ISOBMFF `free` box appended at the end (mdat keeps its explicit size, so
//         every iloc offset still points where it did)
// A PNG or HEIC is converted, and a converted copy's pixels are the same as its siblings'; what keeps
// the JPEGs the server receives distinct is the capture date the converter writes from the file's
// lastModified (no source EXIF date). So every file gets its own mtime, a whole minute apart.
// Names are unique across folders, also after conversion (IMG_0002.png → IMG_0002.jpg).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { CORPUS, identify } from './fixtures.mjs';

export const BASE_HEIC = join(CORPUS, 'heic', 'RGB_10__128x128.heif');
// Folder intake is exercised with nesting of several depths.
export const SUBFOLDERS = ['2019', '2020/trip', '2021', '2022/family/beach'];
const FIRST_MTIME_S = Date.UTC(2019, 0, 1, 9, 0, 0) / 1000;

let bases = null;

/** The three base images (made once per process with ImageMagick). */
export function baseImages() {
  if (bases) return bases;
  const out = mkdtempSync(join(tmpdir(), 'photolift-bases-'));
  try {
    const jpeg = join(out, 'base.jpg');
    const png = join(out, 'base.png');
    execFileSync('convert', ['-size', '64x48', 'plasma:fractal', '-seed', '11', '-quality', '85', jpeg]);
    execFileSync('convert', ['-size', '64x48', 'gradient:teal-orange', '-swirl', '90', png]);
    bases = { jpeg: readFileSync(jpeg), png: readFileSync(png), heic: readFileSync(BASE_HEIC) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return bases;
}

// ---- making one copy unique ------------------------------------------------------------------------

/** A JPEG with a COM segment holding `text` inserted right after SOI. */
export function uniqueJpeg(base, text) {
  if (base[0] !== 0xff || base[1] !== 0xd8) throw new Error('uniqueJpeg: not a JPEG');
  const payload = Buffer.from(text, 'utf8');
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([base.subarray(0, 2), segment, payload, base.subarray(2)]);
}

/** A PNG with a tEXt chunk (keyword "Comment") inserted before IEND. */
export function uniquePng(base, text) {
  const iend = base.length - 12; // IEND: length 0, type, CRC
  if (base.toString('latin1', iend + 4, iend + 8) !== 'IEND') throw new Error('uniquePng: IEND is not last');
  return Buffer.concat([base.subarray(0, iend), pngChunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')), base.subarray(iend)]);
}

export function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An ISOBMFF file with a top-level `free` box holding `text` appended. */
export function uniqueHeic(base, text) {
  const payload = Buffer.from(text, 'utf8');
  const box = Buffer.alloc(8);
  box.writeUInt32BE(payload.length + 8, 0);
  box.write('free', 4, 'latin1');
  return Buffer.concat([base, box, payload]);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it). */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---- folders ----------------------------------------------------------------------------------------

/**
 * Writes `count` media files under `dir`, every one with different bytes, spread over SUBFOLDERS.
 * Kinds are interleaved so each share holds in every prefix of the list (a reload "after 100" has met
 * all three kinds). `badNames` are written as truncated HEICs and count towards `count`.
 * `prefix` keeps names unique when several folders go to the same server.
 * `extras: true` also writes notes.txt and .DS_Store (non-media; not counted).
 * @returns {{root: string, files: {path: string, name: string, relative: string, kind: string}[],
 *   paths: string[], names: string[], uploadedNames: string[], bad: string[], extras: string[]}}
 *   uploadedNames: the names the good files have on the server (HEIC/PNG renamed .jpg).
 */
export function makeMixedFolder(dir, count, { heicShare = 0.2, pngShare = 0.2, badNames = [], prefix = 'IMG_', extras = false } = {}) {
  const base = baseImages();
  for (const sub of SUBFOLDERS) mkdirSync(join(dir, sub), { recursive: true });
  const badAt = new Map(badNames.map((name, i) => [Math.floor(((i + 0.5) * count) / badNames.length), name]));
  const files = [];
  const kinds = interleavedKinds(count, { heic: Math.round(count * heicShare), png: Math.round(count * pngShare) });
  for (let i = 0; i < count; i += 1) {
    const relativeDir = SUBFOLDERS[i % SUBFOLDERS.length];
    const tag = `photolift fixture ${prefix}${i} ${dir}`;
    const kind = badAt.has(i) ? 'bad' : kinds[i];
    const name = badAt.get(i) ?? `${prefix}${pad(i)}.${{ heic: 'heic', png: 'png', jpeg: 'jpg' }[kind]}`;
    const bytes = kind === 'bad' ? truncatedHeic(base.heic, i)
      : kind === 'heic' ? uniqueHeic(base.heic, tag)
        : kind === 'png' ? uniquePng(base.png, tag) : uniqueJpeg(base.jpeg, tag);
    const relative = `${relativeDir}/${name}`;
    const path = join(dir, relative);
    writeFileSync(path, bytes);
    const mtime = FIRST_MTIME_S + (files.length + hashSeconds(prefix)) * 60;
    utimesSync(path, mtime, mtime);
    files.push({ path, name, relative, kind });
  }
  const extraPaths = [];
  if (extras) {
    writeFileSync(join(dir, 'notes.txt'), 'Trip notes: not a photo.\n');
    writeFileSync(join(dir, '2019', '.DS_Store'), Buffer.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]));
    extraPaths.push(join(dir, 'notes.txt'), join(dir, '2019', '.DS_Store'));
  }
  const good = files.filter((f) => f.kind !== 'bad');
  return {
    root: dir,
    files,
    paths: files.map((f) => f.path),
    names: files.map((f) => f.name),
    uploadedNames: good.map((f) => f.name.replace(/\.(heic|png)$/, '.jpg')),
    bad: files.filter((f) => f.kind === 'bad').map((f) => f.name),
    extras: extraPaths,
  };
}

/** Writes `n` truncated HEICs (bad-1.heic …) into `dir`; returns [{path, name}]. */
export function corruptCopies(dir, n, { prefix = 'bad-' } = {}) {
  const base = baseImages();
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const name = `${prefix}${i + 1}.heic`;
    const path = join(dir, name);
    writeFileSync(path, truncatedHeic(base.heic, i));
    return { path, name };
  });
}

// Cut inside mdat (each at its own length, so no two are the same): the header parses, the image
// data is missing.
function truncatedHeic(heic, i) {
  return heic.subarray(0, Math.floor(heic.length * 0.55) + (i % 997));
}

// `count` kinds with exactly the asked numbers of heic and png, each spread evenly over the list.
function interleavedKinds(count, targets) {
  const assigned = { heic: 0, png: 0, jpeg: 0 };
  const wanted = { ...targets, jpeg: count - targets.heic - targets.png };
  const kinds = [];
  for (let i = 0; i < count; i += 1) {
    let best = 'jpeg';
    let deficit = -Infinity;
    for (const kind of ['heic', 'png', 'jpeg']) {
      const d = (wanted[kind] * (i + 1)) / count - assigned[kind];
      if (assigned[kind] < wanted[kind] && d > deficit) [best, deficit] = [kind, d];
    }
    assigned[best] += 1;
    kinds.push(best);
  }
  return kinds;
}

const pad = (i) => String(i + 1).padStart(4, '0');

// Different prefixes get different mtime ranges, so folders made for one browser session do not
// produce the same capture dates.
function hashSeconds(text) {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) % 500;
  return h * 5000;
}

// ---- driving a bulk run (helpers the bulk tests share) -------------------------------------------

export const TEST_SETTINGS = { batchSize: 20, uploadTimeoutMs: 8000, maxAttempts: 3, backoffBaseMs: 300 };

/**
 * The extension's service worker (it may have to be woken: opening a page of ours does that). In
 * Firefox, which has none, an extension page that sees the background page's globals.
 */
export async function extensionWorker(context, { timeout = 10_000 } = {}) {
  if (context.evaluateInExtension) return { evaluate: (fn, arg) => context.evaluateInExtension(fn, arg) };
  const found = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return found ?? context.waitForEvent('serviceworker', {
    predicate: (w) => w.url().startsWith('chrome-extension://'), timeout,
  });
}

/** Writes the panel's settings into extension storage; call before the Photos page is opened. */
export async function configurePanel(context, settings = TEST_SETTINGS) {
  const sw = await extensionWorker(context);
  await sw.evaluate((s) => chrome.storage.local.set({ 'photolift.settings': s }), settings);
}

/**
 * The content keys (hex SHA-256) in the extension's upload memory: the packed chunks
 * (`photolift.mem.<n>`, base64 of 34-byte records: the key and a day) and any key of the old
 * layout (`photolift.up.<key>`).
 */
export async function rememberedKeys(context) {
  const stored = await (await extensionWorker(context)).evaluate(() => chrome.storage.local.get(null));
  const keys = [];
  for (const [name, value] of Object.entries(stored)) {
    if (name.startsWith('photolift.up.')) keys.push(name.slice('photolift.up.'.length));
    if (!/^photolift\.mem\.\d+$/.test(name)) continue;
    const packed = Buffer.from(value, 'base64');
    for (let at = 0; at + 34 <= packed.length; at += 34) keys.push(packed.subarray(at, at + 32).toString('hex'));
  }
  return keys;
}

/** Forgets everything the extension remembers (uploaded files, journal, settings). */
export async function clearExtensionStorage(context) {
  const sw = await extensionWorker(context);
  await sw.evaluate(() => chrome.storage.local.clear());
}

/**
 * Every row of the panel, also when it virtualises them: scrolls the rows' scroll container from top
 * to bottom and collects rows by data-name. Returns [{name, state, message}] (name = data-name).
 */
export async function allRows(panel) {
  const seen = new Map();
  const collect = async () => {
    for (const row of await panel.locator('[data-testid=photolift-file]').evaluateAll((els) => els.map((el) => ({
      name: el.dataset.name, state: el.dataset.state, message: el.querySelector('.message')?.textContent ?? '',
    })))) seen.set(row.name, row);
  };
  await collect();
  const scroller = await panel.evaluateHandle(() => {
    const row = document.querySelector('[data-testid=photolift-file]');
    for (let el = row?.parentElement; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) return el;
    }
    return null;
  });
  if (await scroller.evaluate((el) => el !== null)) {
    for (let top = 0; ; ) {
      const { next, end } = await scroller.evaluate((el, t) => {
        el.scrollTop = t;
        return { next: el.scrollTop + Math.max(40, el.clientHeight - 40), end: el.scrollTop + el.clientHeight >= el.scrollHeight - 1 };
      }, top);
      await new Promise((resolve) => setTimeout(resolve, 60)); // let a virtual list render the window
      await collect();
      if (end) break;
      top = next;
    }
    await scroller.evaluate((el) => { el.scrollTop = 0; });
  }
  return [...seen.values()];
}

/** The file name at the end of a row's data-name (folder rows carry their relative path). */
export const baseName = (name) => String(name).split('/').pop();

/** Waits until `predicate()` (sync or async) is truthy; returns its value. */
export async function waitUntil(predicate, { timeout = 30_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitUntil: ${what} not met within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Asserts what the stand-in server holds: exactly `count` items (or exactly `names`), no two with the
 * same bytes or the same name, every one sent as image/jpeg, and a sample of them valid JPEGs.
 */
export function assertServerHolds(standin, { count, names, sample = 6 }) {
  const received = standin.state.received;
  const expected = names ? names.length : count;
  assert.equal(received.length, expected, `the server holds ${received.length} files, expected ${expected}`);
  const hashes = new Set(received.map((r) => r.sha256));
  assert.equal(hashes.size, received.length, 'no two received files have the same bytes');
  const receivedNames = received.map((r) => r.name);
  const twice = receivedNames.filter((n, i) => receivedNames.indexOf(n) !== i);
  assert.deepEqual(twice, [], 'no name was received twice');
  if (names) assert.deepEqual([...receivedNames].sort(), [...names].sort());
  const notJpeg = received.filter((r) => r.contentType !== 'image/jpeg').map((r) => `${r.name}: ${r.contentType}`);
  assert.deepEqual(notJpeg, [], 'every upload is image/jpeg');
  const step = Math.max(1, Math.floor(received.length / sample));
  for (let i = 0; i < received.length; i += step) {
    assert.equal(identify(received[i].bytes).format, 'JPEG', `${received[i].name} is a valid JPEG`);
  }
}

// The stand-in's request log (`state.attempts`) holds every request of the page's upload flow;
// these kinds carried a photo's bytes: today's byte POST, the withdrawn single POST, an unknown flow's.
const PHOTO_KINDS = new Set(['bytes', 'legacy', 'unknown']);

/** The requests (from index `from` of the log on) that carried a photo's bytes. */
export function photoUploads(standin, from = 0) {
  return standin.state.attempts.slice(from).filter((a) => PHOTO_KINDS.has(a.kind));
}

/** The answers (from index `from` on) that said iCloud already had the photo: a putAsset 409 entry,
 * or the withdrawn flow's HTTP 409. */
export function alreadyThereAnswers(standin, from = 0) {
  return standin.state.attempts.slice(from)
    .filter((a) => a.status === 409 && (a.kind === 'putAssetEntry' || a.kind === 'legacy'));
}

/** The 12 MP camera HEIC the benchmarks upload in bulk (iPhone 13 Pro, 4032×3024). */
export const CAMERA_HEIC = join(CORPUS, 'heic', 'pug.heic');

// Rewrites every EXIF ("2023:02:21 14:33:08") and XMP ("2023-02-21T14:33:08") date string equal to
// the camera HEIC's capture date into `date`, in place (same length: no offset moves).
function withCaptureDate(base, date) {
  const iso = date.toISOString().slice(0, 19); // 2019-05-01T10:00:00
  const replacements = [
    [Buffer.from('2023:02:21 14:33:08'), Buffer.from(iso.replace(/-/g, ':').replace('T', ' '))],
    [Buffer.from('2023-02-21T14:33:08'), Buffer.from(iso)],
  ];
  const out = Buffer.from(base);
  let count = 0;
  for (const [from, to] of replacements) {
    for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + from.length)) {
      to.copy(out, at);
      count += 1;
    }
  }
  if (count === 0) throw new Error('pug.heic: its capture date was not found (corpus changed?)');
  return out;
}

/**
 * `n` copies of the camera HEIC in `dir` (`IMG_00001.heic`…), each a distinct photo: its own
 * capture date (EXIF and XMP) and mtime, a minute apart from `firstMtimeS`, and a `free` box of its
 * own (unique source bytes), so neither photolift nor the server takes one for another's duplicate.
 * Returns the paths.
 */
export function cameraHeics(dir, n, firstMtimeS) {
  const base = readFileSync(CAMERA_HEIC);
  const paths = [];
  for (let i = 0; i < n; i += 1) {
    const mtime = firstMtimeS + i * 60;
    const bytes = uniqueHeic(withCaptureDate(base, new Date(mtime * 1000)), `photolift bench ${i} ${dir}`);
    const path = join(dir, `IMG_${String(i + 1).padStart(5, '0')}.heic`);
    writeFileSync(path, bytes);
    utimesSync(path, mtime, mtime);
    paths.push(path);
  }
  return paths;
}
