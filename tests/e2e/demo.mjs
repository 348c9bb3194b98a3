// ./build.sh demo: the iCloud Photos stand-in plus a Chromium with photolift loaded, to try by hand.
// Without a display it keeps the stand-in running and prints how to reach it.
// ./build.sh demo --screenshots DIR: pictures of the panel in the states a user meets (screenshots.mjs).
import { resolve } from 'node:path';
import { PHOTOS_URL, chromiumFlags, startStandin } from '../standin/server.mjs';
import { EXTENSION_DIR } from './fixtures.mjs';
import { launch } from './harness.mjs';
import { writeScreenshots } from './screenshots.mjs';

const screenshotsAt = process.argv.indexOf('--screenshots');
if (screenshotsAt !== -1) {
  const dir = process.argv[screenshotsAt + 1];
  if (!dir) {
    console.error('usage: ./build.sh demo --screenshots DIR');
    process.exit(2);
  }
  const shots = await writeScreenshots(resolve(dir));
  for (const shot of shots) console.log(`${shot.state.padEnd(12)} ${resolve(dir, shot.file)}`);
  process.exit(0);
}

const standin = await startStandin({ port: Number(process.env.PHOTOLIFT_DEMO_PORT ?? 0) });
console.log(`iCloud Photos stand-in: ${PHOTOS_URL} (served from 127.0.0.1:${standin.port})`);
console.log(`what it received: ${standin.url}__standin/received`);

const stop = async (browser) => {
  await browser?.close();
  await standin.close();
  process.exit(0);
};

if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log(`
No display here, so no browser window. To try photolift by hand on a machine with a display:
  chromium ${chromiumFlags(standin.port).map((f) => `'${f}'`).join(' ')} \\
    --load-extension=${EXTENSION_DIR} ${PHOTOS_URL}
or load ${EXTENSION_DIR} with "Load unpacked" at chrome://extensions in a browser started with those flags.
The stand-in keeps running until Ctrl-C.`);
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());
} else {
  const browser = await launch({ extensionDir: EXTENSION_DIR, standin, headless: false });
  const page = await browser.context.newPage();
  await page.goto(PHOTOS_URL);
  console.log('Chromium is open with photolift loaded. Drop photos into the panel; close the window to stop.');
  browser.context.on('close', () => stop());
  process.on('SIGINT', () => stop(browser));
}
