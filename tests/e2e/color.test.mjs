// Colour and dates survive the conversion: a Display P3 HEIC (made here with ImageMagick + heif-enc,
// carrying the P3 profile iPhones embed) and an sRGB PNG are dropped into the panel; the JPEGs the
// stand-in receives carry the same ICC profile and DateTimeOriginal, and Chromium renders each JPEG
// with the same colours as the source image. A negative control (the JPEG with its ICC stripped)
// proves the comparison can fail.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { CORPUS, EXTENSION_DIR, magick } from './fixtures.mjs';
import { useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, waitForSummary } from './panel.mjs';

const SRGB_ICC = '/usr/share/color/icc/ghostscript/srgb.icc';
const PATCH = 40;
// In gamut for sRGB, so a P3 → sRGB mis-reading shifts them by 10–40 levels, plus two P3 primaries.
const P3_PATCHES = ['rgb(200,80,80)', 'rgb(80,160,80)', 'rgb(70,90,200)', 'rgb(220,200,60)', 'rgb(255,0,0)', 'rgb(0,255,0)'];
const SRGB_PATCHES = ['rgb(200,80,80)', 'rgb(80,160,80)', 'rgb(70,90,200)'];

function exif(pathOrBytes, dir, tags) {
  let path = pathOrBytes;
  if (Buffer.isBuffer(pathOrBytes)) {
    path = join(dir, `exif-${Math.random().toString(36).slice(2)}.jpg`);
    writeFileSync(path, pathOrBytes);
  }
  const out = execFileSync('exiftool', ['-j', ...tags.map((t) => `-${t}`), path], { encoding: 'utf8' });
  return JSON.parse(out)[0];
}

function exiftool(args) {
  execFileSync('exiftool', ['-q', '-overwrite_original', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function patches(colors, icc, out) {
  // Truecolour (PNG24): heif-enc 1.15 reads a palette PNG with an ICC profile into wrong colours.
  magick(['-size', `${PATCH}x${PATCH}`, ...colors.map((c) => `xc:${c}`), '+append', '+repage', '-profile', icc, `PNG24:${out}`]);
}

/** Renders each image in an <img>, draws it on a 2D (sRGB) canvas and returns its RGBA pixels. */
async function render(page, images) {
  const sources = images.map(({ bytes, type }) => `data:${type};base64,${bytes.toString('base64')}`);
  await page.setContent('<!doctype html><body></body>');
  return page.evaluate(async (srcs) => {
    const out = [];
    for (const src of srcs) {
      const img = new Image();
      img.src = src;
      await img.decode();
      document.body.append(img);
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      out.push({ width: canvas.width, height: canvas.height, data: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data) });
    }
    return out;
  }, sources);
}

/** Per patch, the mean absolute difference of each channel over its centre (away from JPEG edges). */
function patchDiffs(a, b, count) {
  assert.equal(a.width, b.width);
  assert.equal(a.height, b.height);
  const diffs = [];
  for (let p = 0; p < count; p++) {
    const sums = [0, 0, 0];
    let n = 0;
    for (let y = 10; y < PATCH - 10; y++) {
      for (let x = p * PATCH + 10; x < (p + 1) * PATCH - 10; x++) {
        const i = (y * a.width + x) * 4;
        for (let c = 0; c < 3; c++) sums[c] += Math.abs(a.data[i + c] - b.data[i + c]);
        n++;
      }
    }
    diffs.push(sums.map((s) => s / n));
  }
  return diffs;
}

const worst = (diffs) => Math.max(...diffs.flat());

describe('colour: ICC profiles and dates travel to the JPEG, and Chromium shows the same colours', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('keeps Display P3 (HEIC) and sRGB (PNG) profiles and dates, with no colour shift', async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const dir = fixtures.dir;
    // The P3 profile an iPhone embeds, taken from a real iPhone HEIC.
    const p3Icc = join(dir, 'p3.icc');
    writeFileSync(p3Icc, execFileSync('exiftool', ['-icc_profile', '-b', join(CORPUS, 'heic', 'pug.heic')]));
    assert.equal(exif(p3Icc, dir, ['ProfileDescription']).ProfileDescription, 'Display P3');

    const p3Png = join(dir, 'p3-source.png');
    patches(P3_PATCHES, p3Icc, p3Png);
    const heic = join(dir, 'sunset.heic');
    execFileSync('heif-enc', ['-q', '95', p3Png, '-o', heic], { stdio: ['ignore', 'ignore', 'pipe'] });
    exiftool(['-EXIF:DateTimeOriginal=2019:07:14 18:30:00', heic]);
    const heicTags = exif(heic, dir, ['ProfileDescription', 'DateTimeOriginal', 'FileType']);
    assert.deepEqual(heicTags.FileType, 'HEIC');
    assert.equal(heicTags.ProfileDescription, 'Display P3', 'heif-enc kept the profile');
    assert.equal(heicTags.DateTimeOriginal, '2019:07:14 18:30:00');

    const png = join(dir, 'screenshot.png');
    patches(SRGB_PATCHES, SRGB_ICC, png);
    exiftool(['-EXIF:DateTimeOriginal=2018:03:02 09:15:00', png]);
    const pngTags = exif(png, dir, ['ProfileDescription', 'DateTimeOriginal']);
    assert.equal(pngTags.ProfileDescription, 'Artifex Software sRGB ICC Profile');
    assert.equal(pngTags.DateTimeOriginal, '2018:03:02 09:15:00');

    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    const panel = await panelFrame(page);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles([heic, png]);
    const done = await waitForSummary(panel, (s) => s.uploaded + s.failed + s.skipped === 2, 90_000);
    assert.equal(done.uploaded, 2, JSON.stringify(await rows(panel)));
    await page.close();

    const byName = Object.fromEntries(standin.state.received.map((r) => [r.name, r]));
    assert.deepEqual(Object.keys(byName).sort(), ['screenshot.jpg', 'sunset.jpg']);
    const p3Jpeg = Buffer.from(byName['sunset.jpg'].bytes);
    const srgbJpeg = Buffer.from(byName['screenshot.jpg'].bytes);

    // Metadata: the same profile and capture date as the originals.
    const tags = ['ProfileDescription', 'DateTimeOriginal', 'FileType'];
    const pick = ({ FileType, ProfileDescription, DateTimeOriginal }) => ({ FileType, ProfileDescription, DateTimeOriginal });
    assert.deepEqual(pick(exif(p3Jpeg, dir, tags)),
      { FileType: 'JPEG', ProfileDescription: heicTags.ProfileDescription, DateTimeOriginal: heicTags.DateTimeOriginal });
    assert.deepEqual(pick(exif(srgbJpeg, dir, tags)),
      { FileType: 'JPEG', ProfileDescription: pngTags.ProfileDescription, DateTimeOriginal: pngTags.DateTimeOriginal });

    // Negative control: the P3 JPEG with its profile stripped, read as sRGB by Chromium.
    const stripped = join(dir, 'stripped.jpg');
    writeFileSync(stripped, p3Jpeg);
    exiftool(['-icc_profile=', stripped]);
    assert.equal(exif(stripped, dir, ['ProfileDescription']).ProfileDescription, undefined);

    const view = await browser.context.newPage();
    const [p3Source, p3Out, strippedOut, srgbSource, srgbOut] = await render(view, [
      { bytes: readFileSync(p3Png), type: 'image/png' },
      { bytes: p3Jpeg, type: 'image/jpeg' },
      { bytes: readFileSync(stripped), type: 'image/jpeg' },
      { bytes: readFileSync(png), type: 'image/png' },
      { bytes: srgbJpeg, type: 'image/jpeg' },
    ]);
    await view.close();

    const p3Diffs = patchDiffs(p3Source, p3Out, P3_PATCHES.length);
    const strippedDiffs = patchDiffs(p3Source, strippedOut, P3_PATCHES.length);
    const srgbDiffs = patchDiffs(srgbSource, srgbOut, SRGB_PATCHES.length);
    const show = (d) => d.map((p) => p.map((v) => v.toFixed(2)).join('/')).join('  ');
    console.log(`P3 HEIC → JPEG, per patch R/G/B mean |Δ|: ${show(p3Diffs)}`);
    console.log(`sRGB PNG → JPEG:                         ${show(srgbDiffs)}`);
    console.log(`P3 JPEG with the ICC stripped:           ${show(strippedDiffs)}`);
    assert.ok(worst(p3Diffs) < 3, `P3 colours shifted: ${show(p3Diffs)}`);
    assert.ok(worst(srgbDiffs) < 3, `sRGB colours shifted: ${show(srgbDiffs)}`);
    // The control must fail the same comparison clearly, or the check above proves nothing
    // (e.g. a Chromium that ignored ICC profiles altogether).
    assert.ok(worst(strippedDiffs) > 8, `stripping the profile should shift colours: ${show(strippedDiffs)}`);
  });
});
