// Comparing what Chromium shows of a JPEG with libheif's picture of the HEIC it came from, by the
// measure of the Rust conversion tests (tests/common/reference.rs): same size, and luma PSNR
// (Y' = 0.299 R + 0.587 G + 0.114 B) over the whole picture.
//
// The reference decode is Debian's libheif 1.15 (`heif-convert`) or, for files it cannot read,
// libheif 1.23 from pillow-heif in target/reference-venv (installed by tests/reference/install.sh,
// which `./build.sh test` runs). Chromium decodes both pictures with createImageBitmap, turned as
// their EXIF says (`imageOrientation: 'from-image'`, what <img> does by default) and without colour
// management (`colorSpaceConversion: 'none'`), so the numbers are the coded pixels, as the Rust
// tests read them; the pictures are handed to the page through a routed URL, not over DevTools.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './fixtures.mjs';

export const HEIC_WORLD = join(ROOT, '..', 'shared', 'corpus', 'heic-world');

const REFERENCE_PYTHON = process.env.PHOTOLIFT_REFERENCE_PYTHON ?? join(ROOT, 'target', 'reference-venv', 'bin', 'python');

/**
 * libheif's picture of `heic` (clap/irot/imir applied, EXIF Orientation not), as PNG bytes; the
 * PNG is written to `png` on the way. libheif 1.15 copies the file's EXIF into the PNG (`eXIf`),
 * whose Orientation Chromium would apply: the chunk is dropped, so the picture is libheif's pixel
 * grid, and the caller turns it as the phone does.
 */
export function referencePicture(heic, libheif, png) {
  if (libheif === 'libheif 1.15') {
    execFileSync('heif-convert', [heic, png], { stdio: ['ignore', 'ignore', 'pipe'] });
  } else if (libheif === 'libheif 1.23') {
    if (!existsSync(REFERENCE_PYTHON)) {
      throw new Error(`the reference libheif is not installed at ${REFERENCE_PYTHON}: run tests/reference/install.sh`);
    }
    execFileSync(REFERENCE_PYTHON, [join(ROOT, 'tests', 'reference', 'libheif_decode.py'), heic, png],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  } else {
    throw new Error(`unknown reference ${libheif}`);
  }
  return withoutChunk(readFileSync(png), 'eXIf');
}

/** A PNG without its chunks of `type` (each chunk: length, type, data, CRC). */
function withoutChunk(png, type) {
  const parts = [png.subarray(0, 8)];
  for (let at = 8; at < png.length;) {
    const end = at + 12 + png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) !== type) parts.push(png.subarray(at, end));
    at = end;
  }
  return Buffer.concat(parts);
}

const ORIGIN = 'http://pictures.photolift.test';

/**
 * A blank page whose origin serves `files` (name → Buffer) at `${ORIGIN}/NAME`; returns the page and
 * a function adding files.
 */
export async function picturePage(context) {
  const files = new Map();
  const page = await context.newPage();
  await page.route(`${ORIGIN}/**`, (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice(1));
    if (name === '') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>pictures</title>' });
    const body = files.get(name);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    const type = name.endsWith('.png') ? 'image/png' : 'image/jpeg';
    return route.fulfill({ contentType: type, body });
  });
  await page.goto(`${ORIGIN}/`);
  return { page, serve: (name, bytes) => files.set(name, bytes) };
}

/**
 * In the page: decodes `got` (photolift's JPEG) and `want` (libheif's PNG), turns `want` clockwise
 * when `turn` (a phone showing EXIF Orientation 6 that libheif does not apply), and measures.
 * Returns {got: [w, h], want: [w, h], db, upsideDownDb}: `upsideDownDb` is the same measure
 * against the reference turned 180°, a control that shows the measure tells the ways up apart
 * (a picture left sideways already fails on its size).
 */
export async function compareWithReference(page, { got, want, turn }) {
  return page.evaluate(async ({ origin, got, want, turn }) => {
    async function decode(name) {
      const response = await fetch(`${origin}/${encodeURIComponent(name)}`);
      if (!response.ok) throw new Error(`${name}: ${response.status}`);
      const bitmap = await createImageBitmap(await response.blob(), {
        imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none',
      });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      bitmap.close();
      return { width: canvas.width, height: canvas.height, data };
    }
    // RGBA → luma (BT.601) per pixel, flattened on white as photolift flattens transparency.
    function luma({ width, height, data }) {
      const y = new Float64Array(width * height);
      for (let i = 0; i < y.length; i++) {
        const a = data[i * 4 + 3];
        const c = (k) => Math.floor((data[i * 4 + k] * a + 255 * (255 - a) + 127) / 255);
        y[i] = 0.299 * c(0) + 0.587 * c(1) + 0.114 * c(2);
      }
      return { width, height, y };
    }
    // Turned 90° clockwise: source (x, y) lands at column h-1-y, row x of a picture h wide.
    function clockwise({ width: w, height: h, y }) {
      const out = new Float64Array(w * h);
      for (let row = 0; row < h; row++) {
        for (let x = 0; x < w; x++) out[x * h + (h - 1 - row)] = y[row * w + x];
      }
      return { width: h, height: w, y: out };
    }
    function psnr(a, b) {
      let squared = 0;
      for (let i = 0; i < a.length; i++) squared += (a[i] - b[i]) ** 2;
      const mse = squared / a.length;
      return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
    }
    const mine = luma(await decode(got));
    let theirs = luma(await decode(want));
    if (turn) theirs = clockwise(theirs);
    const result = { got: [mine.width, mine.height], want: [theirs.width, theirs.height], db: null, upsideDownDb: null };
    if (mine.width === theirs.width && mine.height === theirs.height) {
      result.db = psnr(mine.y, theirs.y);
      result.upsideDownDb = psnr(mine.y, theirs.y.slice().reverse());
    }
    return result;
  }, { origin: ORIGIN, got, want, turn });
}

export const fmtDb = (db) => (db === Infinity ? '∞' : db.toFixed(2));

/**
 * In the page: shows `a` and `b` as a page does (<img>, EXIF applied, colour-managed onto an sRGB
 * 2D canvas: what a screen without HDR shows) and compares them. Returns {a: [w, h], b: [w, h],
 * db (RGB PSNR), meanAbs, maxAbs (per channel, 0–255)}.
 */
export async function compareShown(page, a, b) {
  return page.evaluate(async ({ origin, a, b }) => {
    async function shown(name) {
      const img = new Image();
      img.src = `${origin}/${encodeURIComponent(name)}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return { width: canvas.width, height: canvas.height, data: ctx.getImageData(0, 0, canvas.width, canvas.height).data };
    }
    const [x, y] = [await shown(a), await shown(b)];
    const result = { a: [x.width, x.height], b: [y.width, y.height], db: null, meanAbs: null, maxAbs: null };
    if (x.width !== y.width || x.height !== y.height) return result;
    let sum = 0;
    let squared = 0;
    let max = 0;
    let n = 0;
    for (let i = 0; i < x.data.length; i++) {
      if (i % 4 === 3) continue;
      const d = Math.abs(x.data[i] - y.data[i]);
      sum += d;
      squared += d * d;
      if (d > max) max = d;
      n++;
    }
    const mse = squared / n;
    return { ...result, db: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse), meanAbs: sum / n, maxAbs: max };
  }, { origin: ORIGIN, a, b });
}
