#!/usr/bin/env node
// Photo converters side by side (issue 12), in one headless Chromium:
//   photolift    the extension's own conversion worker (dist/chrome/worker.js, the wasm the panel
//                loads), a File posted to it as the panel posts one: its time includes reading
//                the file, hashing the original (the duplicate key) and handing the JPEG back;
//   libheif-js   libheif 1.23 (wasm) decode + OffscreenCanvas.convertToBlob JPEG 0.92 (HEIC);
//   heic2any     0.0.4, JPEG 0.92 (HEIC);
//   canvas       the browser's own decoder + OffscreenCanvas.convertToBlob JPEG 0.92 (PNG, WebP).
// The peers are npm devDependencies, loaded by this page only; nothing of them ships.
//
// Per input and converter: median wall time of RUNS runs (converters interleaved: every round
// runs each converter once, in turn), the ratio to photolift's time, the JPEG's size, its luma
// and RGB PSNR against libheif's native decode (heif-convert to PNG; a limited-range HEIC at the
// BT.601 scale, heif-range.mjs; PNG/WebP: the source as the browser decodes it), both read as
// coded (no colour management, transparent parts on white), and whether the JPEG kept the EXIF
// and the ICC profile. Then photos/minute of 1, 2 and 4 photolift workers on copies of a 12 MP
// HEIC, and the native CLI against libheif's heif-convert on 8 camera HEICs.
//
//   node tests/bench/converters.mjs          (after ./build.sh: dist/chrome and the release CLI)
//   PHOTOLIFT_BENCH_RUNS=3 PHOTOLIFT_BENCH_ONLY=pug,example node tests/bench/converters.mjs
//   PHOTOLIFT_BENCH_KEEP=<folder> …   keeps each converter's JPEGs, logs exact sizes and PSNRs
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumExecutable } from '../e2e/harness.mjs';
import { boxes, find } from './heif-boxes.mjs';
import { heifLimitedRange } from './heif-range.mjs';
import { roundTo8Bits } from './png16.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'corpus');
const cli = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'photolift');
const RUNS = Number(process.env.PHOTOLIFT_BENCH_RUNS ?? 5);
const ONLY = process.env.PHOTOLIFT_BENCH_ONLY?.split(',');
// Another build of the extension (its dist/chrome) to measure a change against, as a converter of
// its own ("photolift before"), interleaved with the others in the same run.
const BASELINE = process.env.PHOTOLIFT_BENCH_BASELINE;
// The build measured as "photolift" (default: this tree's dist/chrome).
const EXTENSION = process.env.PHOTOLIFT_BENCH_EXTENSION ?? join(root, 'dist', 'chrome');
// A folder to keep every converter's JPEG of each input in, with the exact sizes and PSNRs logged
// (the tables round them): how a goal decided within a rounding is checked.
const KEEP = process.env.PHOTOLIFT_BENCH_KEEP;
const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The 12 MP camera HEICs: an iPhone 13 Pro photo (corpus/heic) and an iPhone 15 Pro HDR photo with
// its gain map (photolift keeps it, which costs time; the peers drop it).
const CAMERA_HEIC = join(corpus, 'heic', 'pug.heic');
// 200MP.heic is left out: the peers need > 1.6 GB for it (RGBA in wasm plus a canvas).
const SKIP = new Set(['200MP.heic']);
// Camera photos for the native comparison (heif-convert 1.15 decodes each of them).
const NATIVE_HEICS = [
  'heic/pug.heic', 'heic/xiaomi.heic', 'heic-world/iphone11pro_exif_at_eof.heic', 'heic-world/iphone12mini_livephoto.heic',
  'heic-world/iphone14pro_clap.heic', 'heic-world/samsung_a32.heic', 'heic-world/oneplus13.heic', 'heic-world/samsung_s10plus_irot_imir.heic',
];

/**
 * The PSNR reference of a HEIC: libheif's native decode (Debian's heif-convert, with libde265), as
 * PNGs in `dir/reference/`: one per top-level image (`name-1.png`, `name-2.png`, … when there are
 * several); the page takes the one that is the primary image. Not libheif-js's decode: measured
 * against ffmpeg's HEVC decoder, whose pictures photolift's decoder matches bit for bit on every
 * HEVC item of the corpus, libheif-js 1.23.2's wasm build decodes some pictures differently (up to
 * 37 % of the samples of `empty_icc.heic`, by up to 9 levels), and a JPEG of that decode would be
 * judged against its own deviation. docs/SPEED.md, step 16. A file libheif 1.15 refuses for its
 * metadata links alone is decoded from a copy without them (step 18).
 */
function nativeDecode(dir, name) {
  const out = join(dir, 'reference');
  mkdirSync(out, { recursive: true });
  const stem = name.replace(/\.[^.]+$/, '');
  const convert = (file) => spawnSync('heif-convert', ['--quiet', file, join(out, `${stem}.png`)], { encoding: 'utf8' });
  let made = convert(join(dir, name));
  if (made.status !== 0 && made.stderr.includes('Metadata not correctly assigned')) {
    // libheif 1.15 refuses a whole file whose EXIF or XMP describes an item it does not take for
    // an image (an iOS 17 HDR photo's gain-map item): the pixels are decoded from a copy whose
    // metadata links are renamed, which changes nothing else (the reference drops EXIF anyway).
    const copy = join(out, `${stem}.unlinked.heic`);
    writeFileSync(copy, withoutMetadataLinks(readFileSync(join(dir, name))));
    made = convert(copy);
    rmSync(copy);
  }
  if (made.status !== 0) log(`heif-convert ${name}: ${made.stderr.trim().slice(0, 120)}`);
  const pngs = readdirSync(out).filter((file) => file === `${stem}.png` || (file.startsWith(`${stem}-`) && /^-\d+\.png$/.test(file.slice(stem.length))));
  // heif-convert applied the HEIF rotation and mirror, and copies the EXIF (with its orientation)
  // into the PNG: dropped, or the browser would turn the picture a second time.
  if (pngs.length) execFileSync('exiftool', ['-q', '-overwrite_original', '-EXIF:all=', ...pngs.map((file) => join(out, file))]);
  // A 10-bit picture comes as a 16-bit PNG, which the browser would truncate to 8 bits: rounded here.
  for (const file of pngs) roundTo8Bits(join(out, file));
  return pngs.map((file) => `reference/${file}`);
}

/**
 * A copy of a HEIF file's bytes whose `cdsc` item references (metadata item → the image it
 * describes, in `meta`/`iref`) are renamed to a type no reader knows, so the metadata describes
 * nothing; every other byte is the same.
 */
function withoutMetadataLinks(bytes) {
  const copy = Buffer.from(bytes);
  const meta = find(copy, 'meta', 0, copy.length);
  // `meta` and `iref` are full boxes: 4 bytes of version and flags before their children.
  const iref = meta && find(copy, 'iref', meta.body + 4, meta.end);
  if (!iref) return copy;
  for (const reference of boxes(copy, iref.body + 4, iref.end)) {
    if (reference.type === 'cdsc') copy.write('xdsc', reference.at + 4, 'latin1');
  }
  return copy;
}

/** The inputs: the corpus HEICs, a 12 MP camera HEIC, an 8-bit RGBA screenshot PNG, a 16-bit PNG and a WebP (made here from pug.heic with ImageMagick, EXIF added with exiftool). */
function prepareInputs(dir) {
  const inputs = [];
  const heics = readdirSync(join(corpus, 'heic')).sort().filter((name) => !SKIP.has(name)).map((name) => join('heic', name));
  for (const path of [...heics, join('heic-world', 'iphone15pro_gainmap_tmap.heic')]) {
    const name = basename(path);
    copyFileSync(join(corpus, path), join(dir, name));
    inputs.push({ name, kind: 'heic', references: nativeDecode(dir, name), limitedRange: heifLimitedRange(readFileSync(join(dir, name))) });
  }
  const base = join(dir, 'base.png');
  execFileSync('convert', [CAMERA_HEIC, '-strip', `PNG24:${base}`]);
  // A desktop screenshot: 2880×1800 RGBA, 8 bits, as macOS and phones write them (an opaque alpha channel).
  execFileSync('convert', [base, '-resize', '2880x1800^', '-gravity', 'center', '-extent', '2880x1800', '-alpha', 'set', `PNG32:${join(dir, 'screenshot-rgba8.png')}`]);
  execFileSync('convert', [base, '-depth', '16', `PNG48:${join(dir, 'photo-16bit.png')}`]);
  execFileSync('convert', [base, '-quality', '90', join(dir, 'photo.webp')]);
  for (const name of ['screenshot-rgba8.png', 'photo-16bit.png', 'photo.webp']) {
    execFileSync('exiftool', ['-q', '-overwrite_original', '-tagsFromFile', CAMERA_HEIC, '-EXIF:all', '-Orientation=1', '-n', join(dir, name)]);
    inputs.push({ name, kind: extname(name).slice(1) });
  }
  rmSync(base);
  return inputs.filter((input) => !ONLY || ONLY.some((part) => input.name.includes(part)));
}

// heic2any runs libheif in a Worker of its own, made from a blob: URL. A file it cannot read can
// leave that worker decoding long after the benchmark gave up on it (measured: a renderer busy on
// two cores for minutes), which would slow every converter timed after it. The page keeps those
// workers, and reloading heic2any ends them.
const TRACK_HEIC2ANY_WORKERS = `
  window.heic2anyWorkers = [];
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      if (String(url).startsWith('blob:')) window.heic2anyWorkers.push(this);
    }
  };`;

function serve(files) {
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  const routes = [
    ['/ext/', EXTENSION],
    ['/libheif/', join(root, 'node_modules', 'libheif-js', 'libheif-wasm')],
    ['/heic2any/', join(root, 'node_modules', 'heic2any', 'dist')],
    ['/inputs/', files],
    ...(BASELINE ? [['/baseline/', BASELINE]] : []),
  ];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      return response.end(`<!doctype html><script>${TRACK_HEIC2ANY_WORKERS}</script><script src="/heic2any/heic2any.min.js"></script>`);
    }
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    const file = route && join(route[1], path.slice(route[0].length));
    if (!file || file.includes('..') || !existsSync(file)) {
      response.writeHead(404);
      return response.end();
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- In the page ----

/** Installs the converters and the measuring helpers as `window.bench`. */
async function installBench(withBaseline) {
  const libheif = await (await import('/libheif/libheif-bundle.mjs')).default();
  const bytesOf = new Map();
  const load = async (name) => {
    if (!bytesOf.has(name)) bytesOf.set(name, new Uint8Array(await (await fetch(`/inputs/${name}`)).arrayBuffer()));
    return bytesOf.get(name);
  };
  const canvasJpeg = async (source, width, height) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    if (source instanceof ImageData) {
      // putImageData replaces pixels (no blending); composite on white through a bitmap.
      context.drawImage(await createImageBitmap(source, { premultiplyAlpha: 'none' }), 0, 0);
    } else context.drawImage(source, 0, 0);
    return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
  };
  /** libheif's decode of the primary image, as RGBA ImageData (libheif applies crop, rotation, mirror). */
  const libheifDecode = async (bytes, { primary = false } = {}) => {
    const decoder = new libheif.HeifDecoder();
    const images = decoder.decode(bytes);
    if (!images.length) throw new Error('libheif: no image');
    try {
      // The converter takes the first image, as its examples do; the reference, the primary one.
      const image = (primary && images.find((i) => i.is_primary())) || images[0];
      const [width, height] = [image.get_width(), image.get_height()];
      const data = new ImageData(width, height);
      await new Promise((resolve, reject) => image.display(data, (out) => (out ? resolve() : reject(new Error('libheif: decode error')))));
      return data;
    } finally {
      for (const image of images) image.free?.();
    }
  };
  const workers = [];
  const startWorker = (dir = 'ext') => new Promise((resolve, reject) => {
    const worker = new Worker(`/${dir}/worker.js`, { type: 'module' });
    worker.onerror = (event) => reject(new Error(`photolift worker: ${event.message}`));
    worker.onmessage = (event) => {
      if (event.data?.type === 'ready') resolve(worker);
    };
    // Its first message (ToWorker `start`): without a compiled module in it, the worker compiles its own.
    worker.postMessage({ photolift: 'worker', type: 'start' });
  });
  let job = 0;
  const photolift = (worker, bytes, name) => new Promise((resolve, reject) => {
    const id = ++job;
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.job !== id) return;
      if (message.type === 'converted') resolve(new Uint8Array(message.bytes));
      else reject(new Error(message.reason ?? message.type));
    };
    const file = new File([bytes], name, { lastModified: 1_600_000_000_000 });
    worker.postMessage({ photolift: 'worker', type: 'convert', job: id, quality: 92, dateRescue: true, hdrGainMap: true, file });
  });
  workers.push(await startWorker());
  const baseline = withBaseline ? await startWorker('baseline') : null;

  const converters = {
    photolift: (bytes, name) => photolift(workers[0], bytes, name),
    'photolift before': (bytes, name) => photolift(baseline, bytes, name),
    'libheif-js': async (bytes) => {
      const data = await libheifDecode(bytes);
      return canvasJpeg(data, data.width, data.height);
    },
    heic2any: async (bytes) => {
      // After a file its libheif cannot read, a later call may never settle: give up after 60 s.
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 60 s')), 60_000));
      const blob = await Promise.race([window.heic2any({ blob: new Blob([bytes]), toType: 'image/jpeg', quality: 0.92 }), timeout]);
      return new Uint8Array(await (Array.isArray(blob) ? blob[0] : blob).arrayBuffer());
    },
    canvas: async (bytes) => {
      const bitmap = await createImageBitmap(new Blob([bytes]));
      return canvasJpeg(bitmap, bitmap.width, bitmap.height);
    },
  };

  const rgbaOf = async (blob) => {
    const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, bitmap.width, bitmap.height);
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  };
  const onWhite = async (data) => rgbaOf(await createImageBitmap(data, { premultiplyAlpha: 'none' }).then((bitmap) => {
    const canvas = new OffscreenCanvas(data.width, data.height);
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, data.width, data.height);
    context.drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type: 'image/png' });
  }));
  const psnr = (a, b) => {
    if (a.width !== b.width || a.height !== b.height) return { luma: null, rgb: null, size: `${b.width}×${b.height}` };
    let [se, sey] = [0, 0];
    for (let i = 0; i < a.data.length; i += 4) {
      const [dr, dg, db] = [a.data[i] - b.data[i], a.data[i + 1] - b.data[i + 1], a.data[i + 2] - b.data[i + 2]];
      se += dr * dr + dg * dg + db * db;
      const dy = 0.299 * dr + 0.587 * dg + 0.114 * db;
      sey += dy * dy;
    }
    const n = a.width * a.height;
    const db = (mse) => (mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse));
    return { luma: db(sey / n), rgb: db(se / (3 * n)) };
  };
  /** The description of an ICC profile ('desc' tag, v2 text or v4 'mluc'), or '?'. */
  const iccName = (icc) => {
    const u32 = (at) => ((icc[at] << 24) | (icc[at + 1] << 16) | (icc[at + 2] << 8) | icc[at + 3]) >>> 0;
    const tag = (at) => String.fromCharCode(...icc.subarray(at, at + 4));
    for (let i = 0, count = u32(128); i < count && 144 + 12 * i <= icc.length; i++) {
      const entry = 132 + 12 * i;
      if (tag(entry) !== 'desc') continue;
      const at = u32(entry + 4);
      if (tag(at) === 'desc') return String.fromCharCode(...icc.subarray(at + 12, at + 12 + u32(at + 8) - 1));
      if (tag(at) === 'mluc') {
        const [length, offset] = [u32(at + 20), u32(at + 24)];
        let text = '';
        for (let j = 0; j + 1 < length; j += 2) text += String.fromCharCode((icc[at + offset + j] << 8) | icc[at + offset + j + 1]);
        return text;
      }
    }
    return '?';
  };
  /** Which APP segments a JPEG carries: EXIF (APP1 "Exif") and an ICC profile (APP2 "ICC_PROFILE", named by its description). */
  const segments = (jpeg) => {
    const found = { exif: false, icc: null, picture: null };
    const text = (at, length) => String.fromCharCode(...jpeg.subarray(at, at + length));
    const chunks = [];
    // The picture's own bytes: the first JPEG (a gain map follows it as a second one) without
    // its APPn segments (EXIF, XMP, ICC profile, MPF), so that sizes compare what was coded.
    let metadata = 0;
    let at = 2;
    for (; at + 4 < jpeg.length && jpeg[at] === 0xff;) {
      const marker = jpeg[at + 1];
      if (marker === 0xda) break;
      const length = (jpeg[at + 2] << 8) | jpeg[at + 3];
      if (marker === 0xe1 && text(at + 4, 4) === 'Exif') found.exif = true;
      if (marker === 0xe2 && text(at + 4, 11) === 'ICC_PROFILE') chunks.push(jpeg.subarray(at + 18, at + 2 + length));
      if (marker >= 0xe0 && marker <= 0xef) metadata += 2 + length;
      at += 2 + length;
    }
    // In the scan, 0xFF is followed by 0x00 (stuffing) or a restart marker: the first FF D9 is
    // the end of the image.
    for (; at + 1 < jpeg.length; at++) {
      if (jpeg[at] === 0xff && jpeg[at + 1] === 0xd9) {
        found.picture = at + 2 - metadata;
        break;
      }
    }
    if (chunks.length) {
      const icc = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((at, c) => (icc.set(c, at), at + c.length), 0);
      found.icc = iccName(icc);
    }
    return found;
  };
  /** heic2any's libheif dies with the first file it cannot read (every later call aborts): load it again, untimed. */
  const reloadHeic2any = () => new Promise((resolve, reject) => {
    for (const worker of window.heic2anyWorkers.splice(0)) worker.terminate();
    delete window.heic2any;
    const script = document.createElement('script');
    script.src = `/heic2any/heic2any.min.js?${Math.random()}`;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
  const references = new Map();

  window.bench = {
    /** One timed run of `converter` on input `name`: ms and the JPEG's size, or the error. */
    async run(converter, name) {
      const bytes = await load(name);
      const started = performance.now();
      try {
        const jpeg = await converters[converter](bytes, name);
        const ms = performance.now() - started;
        window.bench.last = window.bench.last ?? {};
        window.bench.last[`${converter}/${name}`] = jpeg;
        return { ms, bytes: jpeg.length };
      } catch (error) {
        if (converter === 'heic2any') await reloadHeic2any();
        return { error: String(error?.message ?? error).replace(/\s+/g, ' ').slice(0, 120) };
      }
    },
    /**
     * The reference pixels of `name`: a HEIC's native libheif decode (of its PNGs, the one nearest
     * libheif-js's decode of the primary image: the other top-level images differ in size or
     * wholly), with how far libheif-js's own decode is from it, or libheif-js's decode where
     * heif-convert cannot read the file; a PNG or WebP as the browser decodes it.
     */
    async reference(name, kind, candidates, limitedRange) {
      if (references.has(name)) return references.get(name);
      const bytes = await load(name);
      let found = { pixels: null, libheifJs: null, from: 'source' };
      if (kind !== 'heic') found.pixels = await rgbaOf(new Blob([bytes]));
      else {
        const ours = await onWhite(await libheifDecode(bytes, { primary: true })).catch(() => null);
        found = { pixels: ours, libheifJs: null, from: 'libheif-js' };
        for (const candidate of candidates) {
          const pixels = await rgbaOf(new Blob([await load(candidate)])).catch(() => null);
          const scores = ours && pixels ? psnr(pixels, ours) : { luma: null };
          if (found.from !== 'heif-convert' || (scores.luma ?? -1) > (found.libheifJs?.luma ?? -1)) {
            found = { pixels, libheifJs: scores, from: 'heif-convert' };
          }
        }
        if (limitedRange && found.pixels) {
          // libheif's limited-range conversion is the standard's × 256/255 (its 256/219 and
          // 256/224 for 255/219 and 255/224), so its RGB is divided back, kept unrounded; a
          // channel it clipped at 255 stays there (docs/SPEED.md, step 20).
          const { width, height, data } = found.pixels;
          const standard = Float32Array.from(data, (v, i) => (i % 4 === 3 || v === 255 ? v : (v * 255) / 256));
          found.pixels = { width, height, data: standard };
          if (found.from === 'heif-convert' && ours) found.libheifJs = psnr(found.pixels, ours);
        }
      }
      references.set(name, found);
      return found;
    },
    /** Quality of the last JPEG `converter` made of `name`. */
    async quality(converter, name, kind, candidates, limitedRange) {
      const jpeg = window.bench.last?.[`${converter}/${name}`];
      if (!jpeg) return null;
      const reference = (await window.bench.reference(name, kind, candidates, limitedRange)).pixels;
      const decoded = await rgbaOf(new Blob([jpeg], { type: 'image/jpeg' })).catch(() => null);
      const scores = reference && decoded ? psnr(reference, decoded) : { luma: null, rgb: null };
      return { ...scores, ...segments(jpeg) };
    },
    forget() {
      window.bench.last = {};
    },
    /** Photos per minute of `count` workers converting `files` copies of `name` (each worker one photo at a time). */
    async throughput(count, files, name) {
      while (workers.length < count) workers.push(await startWorker());
      const bytes = await load(name);
      let next = 0;
      const started = performance.now();
      await Promise.all(workers.slice(0, count).map(async (worker) => {
        while (next < files) {
          next += 1;
          await photolift(worker, bytes, name);
        }
      }));
      return (files / (performance.now() - started)) * 60_000;
    },
  };
}

// ---- The run ----

const CONVERTERS = process.env.PHOTOLIFT_BENCH_CONVERTERS?.split(',');
const converterFor = (kind) => [
  'photolift', ...(BASELINE ? ['photolift before'] : []), ...(kind === 'heic' ? ['libheif-js', 'heic2any'] : ['canvas']),
].filter((c) => !CONVERTERS || CONVERTERS.includes(c));

/** Writes each converter's JPEG of `row`'s input into KEEP and logs its exact size and PSNRs. */
async function keep(page, row, converters) {
  mkdirSync(KEEP, { recursive: true });
  for (const converter of converters) {
    const base64 = await page.evaluate(([c, n]) => {
      const jpeg = window.bench.last?.[`${c}/${n}`];
      if (!jpeg) return null;
      let text = '';
      for (let i = 0; i < jpeg.length; i += 0x8000) text += String.fromCharCode(...jpeg.subarray(i, i + 0x8000));
      return btoa(text);
    }, [converter, row.input.name]);
    if (base64) writeFileSync(join(KEEP, `${row.input.name}.${converter.replace(/ /g, '-')}.jpg`), Buffer.from(base64, 'base64'));
  }
  const exact = Object.entries(row.results).map(([c, r]) => [c, { bytes: r.bytes, picture: r.picture, luma: r.luma, rgb: r.rgb }]);
  log('exact', row.input.name, JSON.stringify(Object.fromEntries(exact)));
}

async function browserTables(inputs, dir) {
  const server = await serve(dir);
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const rows = [];
  let throughput = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => log('page error:', error.message));
    page.on('crash', () => log('the page crashed'));
    page.on('console', (message) => log('page:', message.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.evaluate(installBench, Boolean(BASELINE));
    const version = await browser.version();
    for (const input of inputs) {
      const converters = converterFor(input.kind);
      const runs = Object.fromEntries(converters.map((c) => [c, []]));
      for (let round = 0; round < RUNS; round++) {
        for (const converter of converters) {
          // A converter that failed on this input is not tried on it again: its answer is known,
          // and a peer that hangs would cost a minute per round.
          if (runs[converter].some((r) => r.error)) continue;
          runs[converter].push(await page.evaluate(([c, n]) => window.bench.run(c, n), [converter, input.name]));
        }
      }
      const row = { input, results: {} };
      for (const converter of converters) {
        const ok = runs[converter].filter((r) => !r.error);
        const quality = ok.length
          ? await page.evaluate(([c, n, k, r, l]) => window.bench.quality(c, n, k, r, l), [converter, input.name, input.kind, input.references ?? [], Boolean(input.limitedRange)])
          : null;
        row.results[converter] = ok.length === runs[converter].length
          ? { ms: median(ok.map((r) => r.ms)), bytes: ok[0].bytes, ...quality }
          : { error: runs[converter].find((r) => r.error).error };
      }
      if (input.kind === 'heic') {
        Object.assign(row, await page.evaluate(async ([n, k, r, l]) => {
          const { libheifJs, from } = await window.bench.reference(n, k, r, l);
          return { libheifJs, referenceFrom: from };
        }, [input.name, input.kind, input.references, Boolean(input.limitedRange)]));
      }
      if (KEEP) await keep(page, row, converters);
      await page.evaluate(() => window.bench.forget());
      log(input.name, JSON.stringify(Object.fromEntries(Object.entries(row.results).map(([c, r]) => [c, r.ms ? Math.round(r.ms) : r.error]))));
      rows.push(row);
    }
    const name = basename(CAMERA_HEIC);
    const files = Number(process.env.PHOTOLIFT_BENCH_THROUGHPUT_FILES ?? 12);
    for (const count of [1, 2, 4]) {
      throughput.push([count, await page.evaluate(([k, f, n]) => window.bench.throughput(k, f, n), [count, files, name])]);
    }
    return { rows, throughput, version, files };
  } finally {
    await browser.close();
    server.close();
  }
}

function printTables({ rows, throughput, version, files }) {
  const fmt = (r, base) => {
    if (!r) return '—';
    if (r.error) return `fails (${r.error.slice(0, 40)})`;
    const ratio = base?.ms ? ` (${(r.ms / base.ms).toFixed(2)}×)` : '';
    return `${Math.round(r.ms)} ms${ratio}`;
  };
  const details = (r) => {
    if (!r || r.error) return '—';
    const db = (v) => (v == null ? '—' : v.toFixed(1));
    const kept = `${r.exif ? 'EXIF' : 'no EXIF'}, ${r.icc ? `ICC "${r.icc}"` : 'no ICC'}`;
    const picture = r.picture && r.picture !== r.bytes ? ` (picture ${(r.picture / 1e3).toFixed(r.picture < 1e5 ? 1 : 0)})` : '';
    return `${(r.bytes / 1e3).toFixed(0)}${picture} KB, ${db(r.luma)}/${db(r.rgb)} dB${r.size ? ` (${r.size})` : ''}, ${kept}`;
  };
  const photolift = JSON.parse(execFileSync('node', ['-e', 'process.stdout.write(JSON.stringify(require("./package.json").devDependencies))'], { cwd: root, encoding: 'utf8' }));
  console.log(`\nConverters side by side (${version}, headless; ${cpus().length} × ${cpus()[0]?.model}; load average ${loadavg()[0].toFixed(1)} at the end;`
    + ` median of ${RUNS}, converters interleaved; libheif-js ${photolift['libheif-js']}, heic2any ${photolift.heic2any}; JPEG quality 92 / 0.92)`);
  const heifVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libheif-examples'], { encoding: 'utf8' });
  console.log('Time (ratio to photolift); then size (and the picture\'s own: the first JPEG without its APPn metadata segments),'
    + ` luma/RGB PSNR against libheif's native decode (heif-convert, libheif ${heifVersion}; PNG, WebP: the source), metadata kept.\n`);
  const before = BASELINE ? ['photolift before'] : [];
  const peers = [...before, 'libheif-js', 'heic2any', 'canvas'];
  const title = { 'photolift before': 'photolift before', 'libheif-js': 'libheif-js + canvas', heic2any: 'heic2any', canvas: 'browser canvas' };
  console.log(`| input | photolift | ${peers.map((p) => title[p]).join(' | ')} | ${['photolift', ...peers].map((p) => `${p}: size, PSNR, kept`).join(' | ')} |`);
  console.log(`|--|--:|${peers.map(() => '--:|').join('')}${['photolift', ...peers].map(() => '--|').join('')}`);
  for (const { input, results } of rows) {
    const base = results.photolift;
    console.log(`| ${input.name} | ${fmt(base)} | ${peers.map((p) => fmt(results[p], base)).join(' | ')} `
      + `| ${['photolift', ...peers].map((p) => details(results[p])).join(' | ')} |`);
  }
  const apart = rows.filter((row) => row.libheifJs?.luma != null && row.libheifJs.luma < 60);
  console.log('\nlibheif-js\'s own decode against the reference, where it differs by more than rounding (luma/RGB PSNR):'
    + ` ${apart.map((row) => `${row.input.name} ${row.libheifJs.luma.toFixed(1)}/${row.libheifJs.rgb.toFixed(1)} dB`).join(', ') || 'none'}`);
  const fallback = rows.filter((row) => row.referenceFrom === 'libheif-js').map((row) => row.input.name);
  if (fallback.length) console.log(`heif-convert cannot read ${fallback.join(', ')}: the reference there is libheif-js's decode.`);
  const limited = rows.filter((row) => row.input.limitedRange).map((row) => row.input.name);
  if (limited.length) {
    console.log(`Limited range (${limited.join(', ')}): the reference is libheif's RGB × 255/256, the BT.601/BT.709 scale (libheif's is 256/219 for 255/219).`);
  }
  const one = throughput[0][1];
  console.log(`\nphotolift workers on ${files} copies of ${basename(CAMERA_HEIC)} (12 MP): photos/minute`);
  console.log('| workers | photos/minute | × one worker |\n|--:|--:|--:|');
  for (const [count, rate] of throughput) console.log(`| ${count} | ${rate.toFixed(1)} | ${(rate / one).toFixed(2)}× |`);
}

/** Wall and CPU seconds (user + sys of the children, from bash's `times`) of a shell command line. */
function timed(script, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync('bash', ['-c', `${script} >/dev/null || exit $?; times`, 'bash', ...args], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr}`);
  const seconds = (text) => { const [, m, s] = text.match(/(\d+)m([\d.]+)s/); return Number(m) * 60 + Number(s); };
  const [user, sys] = result.stdout.trim().split('\n').at(-1).split(' ').map(seconds);
  return { wall, cpu: user + sys };
}

function nativeTable() {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run ./build.sh first`);
  const files = NATIVE_HEICS.map((f) => join(corpus, f));
  const out = mkdtempSync(join(tmpdir(), 'photolift-bench-native-'));
  const runs = { photolift: [], 'heif-convert': [] };
  const megabytes = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;
  try {
    for (let i = 0; i < 3; i++) {
      rmSync(out, { recursive: true, force: true });
      runs.photolift.push(timed(`"$1" convert "\${@:2}" --out "${out}"`, [cli, ...files]));
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      runs['heif-convert'].push(timed(`for f in "$@"; do heif-convert -q 92 "$f" "${out}/$(basename "$f").jpg" || exit 1; done`, files));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const heifVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libheif-examples'], { encoding: 'utf8' });
  console.log(`\nNative: photolift convert of ${files.length} camera HEICs (${megabytes.toFixed(1)} MB; one process, files on all cores)`
    + ` vs heif-convert -q 92 (libheif ${heifVersion}) on each in turn; median of 3, interleaved`);
  console.log('| tool | wall | CPU (user + sys) | wall, × photolift |\n|--|--:|--:|--:|');
  const base = median(runs.photolift.map((r) => r.wall));
  for (const [tool, list] of Object.entries(runs)) {
    const wall = median(list.map((r) => r.wall));
    console.log(`| ${tool} | ${wall.toFixed(2)} s | ${median(list.map((r) => r.cpu)).toFixed(2)} s | ${(wall / base).toFixed(2)}× |`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'photolift-bench-converters-'));
try {
  const inputs = prepareInputs(dir);
  log(`inputs: ${inputs.map((i) => i.name).join(', ')}`);
  if (process.env.PHOTOLIFT_BENCH_NATIVE !== '0') nativeTable();
  if (process.env.PHOTOLIFT_BENCH_BROWSER !== '0') printTables(await browserTables(inputs, dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
