// HDR photos in the browser: the iPhone 15 Pro and iPhone 16 (24 MP) HDR HEICs dropped on the
// panel arrive as gain-map JPEGs (a second image indexed by MPF, Ultra HDR XMP, as exiftool reads
// them), and Chromium decodes them: the size libheif shows, the picture within 40 dB luma PSNR of
// libheif's, and on a screen without HDR (an sRGB canvas) the same pixels as the SDR JPEG written
// with the setting off. The same files dropped again with `hdrGainMap: false` in the panel's
// settings arrive without a gain map: the stored setting reaches the conversion workers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { configurePanel } from './bulk-fixtures.mjs';
import { EXTENSION_DIR } from './fixtures.mjs';
import { useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, waitForSummary } from './panel.mjs';
import { HEIC_WORLD, compareShown, compareWithReference, fmtDb, picturePage, referencePicture } from './pictures.mjs';

const MIN_DB = 40;
// Debian's libheif 1.15 cannot open either file: libheif 1.23 decodes them.
const FILES = ['iphone15pro_gainmap_tmap.heic', 'iphone16_gainmap_24mp.heic'];

/** Drops FILES on a new Photos tab's panel; returns the JPEGs the stand-in received, by name. */
async function upload(env) {
  const { standin, browser } = env;
  standin.reset();
  const page = await browser.context.newPage();
  await page.goto(PHOTOS_URL);
  const panel = await panelFrame(page);
  await panel.locator('input[data-testid=photolift-files]').setInputFiles(FILES.map((name) => join(HEIC_WORLD, name)));
  const done = await waitForSummary(panel, (s) => s.uploaded + s.failed + s.skipped === FILES.length, 120_000);
  assert.equal(done.uploaded, FILES.length, JSON.stringify(await rows(panel)));
  await page.close();
  return new Map(standin.state.received.map((r) => [r.name, Buffer.from(r.bytes)]));
}

/**
 * What exiftool reads of a JPEG's gain map: the MPF image count, the primary image's Ultra HDR
 * version, and the headroom in the second image's XMP.
 */
function gainMapTags(jpeg, dir, name) {
  const path = join(dir, name);
  writeFileSync(path, jpeg);
  const exiftool = (args) => JSON.parse(execFileSync('exiftool', ['-j', ...args], { encoding: 'utf8' }))[0];
  const primary = exiftool(['-NumberOfImages', '-XMP-hdrgm:Version', path]);
  const tags = { images: primary.NumberOfImages ?? 1, version: primary.Version ?? null, headroom: null };
  if (tags.images > 1) {
    const gainMap = join(dir, `gain-map-${name}`);
    writeFileSync(gainMap, execFileSync('exiftool', ['-b', '-MPImage2', path]));
    tags.headroom = exiftool(['-XMP-hdrgm:HDRCapacityMax', gainMap]).HDRCapacityMax ?? null;
  }
  return tags;
}

describe('HDR: gain-map JPEGs in the browser', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('Chromium decodes the gain-map JPEGs; screens without HDR show the SDR picture', async () => {
    const { browser, fixtures } = env;
    const hdr = await upload(env); // default settings: gain maps kept
    await configurePanel(browser.context, { hdrGainMap: false, uploadDuplicates: true });
    const sdr = await upload(env);

    const { page: view, serve } = await picturePage(browser.context);
    const problems = [];
    for (const name of FILES) {
      const jpegName = name.replace(/\.heic$/, '.jpg');
      const [withMap, without] = [hdr.get(jpegName), sdr.get(jpegName)];
      assert.ok(withMap && without, `${jpegName} arrived twice`);
      const tagsWith = gainMapTags(withMap, fixtures.dir, `hdr-${jpegName}`);
      const tagsWithout = gainMapTags(without, fixtures.dir, `sdr-${jpegName}`);
      console.log(`${name}: ${(withMap.length / 1e6).toFixed(2)} MB with its gain map (${JSON.stringify(tagsWith)}), `
        + `${(without.length / 1e6).toFixed(2)} MB with hdrGainMap off (${JSON.stringify(tagsWithout)})`);
      assert.equal(tagsWith.images, 2, `${name}: the gain map is the MPF's second image`);
      assert.equal(Number(tagsWith.version), 1, `${name}: Ultra HDR XMP in the primary image`);
      assert.ok(tagsWith.headroom > 0, `${name}: the gain map's headroom in its XMP`);
      assert.deepEqual(tagsWithout, { images: 1, version: null, headroom: null }, `${name}: no gain map with the setting off`);

      const reference = referencePicture(join(HEIC_WORLD, name), 'libheif 1.23', join(fixtures.dir, `${name}.png`));
      serve(`hdr-${jpegName}`, withMap);
      serve(`sdr-${jpegName}`, without);
      serve(`${name}.png`, reference);
      const decoded = await compareWithReference(view, { got: `hdr-${jpegName}`, want: `${name}.png`, turn: false });
      const size = (s) => s.join('×');
      if (decoded.db === null) {
        problems.push(`${name}: Chromium decodes ${size(decoded.got)}, libheif shows ${size(decoded.want)}`);
        continue;
      }
      const shown = await compareShown(view, `hdr-${jpegName}`, `sdr-${jpegName}`);
      console.log(`${name}: Chromium decodes ${size(decoded.got)}, ${fmtDb(decoded.db)} dB luma from libheif 1.23; `
        + `shown on an sRGB canvas: ${fmtDb(shown.db)} dB from the SDR JPEG, mean |Δ| ${shown.meanAbs?.toFixed(3)}, max ${shown.maxAbs}`);
      if (decoded.db < MIN_DB) problems.push(`${name}: ${fmtDb(decoded.db)} dB from libheif < ${MIN_DB}`);
      if (shown.db === null || shown.meanAbs > 0.1 || shown.maxAbs > 3) {
        problems.push(`${name}: shown unlike the SDR picture: ${JSON.stringify(shown)}`);
      }
    }
    await view.close();
    assert.deepEqual(problems, []);
  });
});
