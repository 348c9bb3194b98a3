// Every camera's photo upright in the browser: the two HEICs that store sideways pixels and say
// Orientation 6 only in EXIF (iPhone 7 Plus on iOS 11, Samsung S24 FE) and the eight files that
// store one scene in the eight `irot`/`imir` ways are dropped on the panel; each JPEG the stand-in
// receives is drawn by Chromium as a page shows it (EXIF applied) and compared with libheif's
// picture of the HEIC turned the way the phone shows it, by the measure of
// tests/convert_heic_world.rs: the same size and ≥ 40 dB luma PSNR. A file left sideways fails on
// its size; one upside down or mirrored on the PSNR (the 180° control below shows the margin).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { EXTENSION_DIR } from './fixtures.mjs';
import { useStandinWithExtension } from './harness.mjs';
import { panelFrame, rows, waitForSummary } from './panel.mjs';
import { HEIC_WORLD, compareWithReference, fmtDb, picturePage, referencePicture } from './pictures.mjs';

const MIN_DB = 40;

// [file, reference decoder, turned clockwise by the phone (EXIF Orientation 6 without `irot`)].
// Debian's libheif 1.15 writes an empty picture for the S24 FE file: libheif 1.23 decodes it.
const FILES = [
  ['iphone7plus_ios11_depth_exiforient6_noirot.heic', 'libheif 1.15', true],
  ['samsung_s24fe_clap_exiforient6.heic', 'libheif 1.23', true],
  ...[
    'orient_1_irot', 'orient_2_imir', 'orient_3_irot', 'orient_4_imir',
    'orient_5_irot_imir', 'orient_6_irot', 'orient_7_irot_imir', 'orient_8_irot',
  ].map((name) => [`${name}.heic`, 'libheif 1.15', false]),
];

describe('orientation: every photo upright in the browser', () => {
  const env = useStandinWithExtension(EXTENSION_DIR);

  it('shows the EXIF-only and the eight irot/imir files as their phones show them', async () => {
    const { standin, browser, fixtures } = env;
    standin.reset();
    const page = await browser.context.newPage();
    await page.goto(PHOTOS_URL);
    const panel = await panelFrame(page);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(FILES.map(([name]) => join(HEIC_WORLD, name)));
    const done = await waitForSummary(panel, (s) => s.uploaded + s.failed + s.skipped === FILES.length, 120_000);
    assert.equal(done.uploaded, FILES.length, JSON.stringify(await rows(panel)));
    await page.close();

    const received = new Map(standin.state.received.map((r) => [r.name, Buffer.from(r.bytes)]));
    const { page: view, serve } = await picturePage(browser.context);
    const problems = [];
    for (const [name, libheif, turn] of FILES) {
      const jpegName = name.replace(/\.heic$/, '.jpg');
      const jpeg = received.get(jpegName);
      assert.ok(jpeg, `${jpegName} arrived (received: ${[...received.keys()]})`);
      const reference = referencePicture(join(HEIC_WORLD, name), libheif, join(fixtures.dir, `${name}.png`));
      serve(jpegName, jpeg);
      serve(`${name}.png`, reference);
      const r = await compareWithReference(view, { got: jpegName, want: `${name}.png`, turn });
      const size = (s) => s.join('×');
      const line = `${name}: Chromium shows ${size(r.got)}, ${libheif}${turn ? ' turned by EXIF 6' : ''} ${size(r.want)}`;
      if (r.db === null) {
        problems.push(`${line}: not the same size (sideways?)`);
        continue;
      }
      console.log(`${line}: ${fmtDb(r.db)} dB luma (180° control ${fmtDb(r.upsideDownDb)} dB)`);
      if (r.db < MIN_DB) problems.push(`${line}: ${fmtDb(r.db)} dB < ${MIN_DB}`);
      // The control: the same picture upside down must fail the measure, clearly.
      if (r.upsideDownDb >= MIN_DB - 10) problems.push(`${line}: upside down still ${fmtDb(r.upsideDownDb)} dB`);
    }
    await view.close();
    assert.deepEqual(problems, []);
  });
});
