// Starts the browser the suites run in (PHOTOLIFT_BROWSER: Debian's Chromium by default, driven
// by playwright-core; or Firefox ESR, firefox.mjs) with the extension loaded, pointed at the
// iCloud stand-in. Facts this relies on, measured here: Playwright's `headless: true`
// on Chromium 156 is the new headless and loads extensions; /usr/lib/chromium/chromium starts
// faster than the /usr/bin/chromium wrapper; the extension id depends on the folder's absolute
// path, so it is read from the service worker's URL (or computed the way Chromium does).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { chromium } from 'playwright-core';
import { PHOTOS_URL, chromiumFlags, startStandin } from '../standin/server.mjs';
import { launchFirefox } from './firefox.mjs';
import { BROWSER } from './fixtures.mjs';
import { panelFrame } from './panel.mjs';

export const APP_FRAME_PATH = '/applications/photos3/';
const APP_FRAME_URL = `https://www.icloud.com${APP_FRAME_PATH}`;

export function chromiumExecutable() {
  return existsSync('/usr/lib/chromium/chromium') ? '/usr/lib/chromium/chromium' : '/usr/bin/chromium';
}

/**
 * `profileDir`: use (and keep) this profile instead of a fresh temporary one, e.g. to restart the
 * browser on the same profile. `uiLanguage`: the browser's UI language (Chromium; `de`, `zh-CN`).
 * @param {{extensionDir?: string, standin: {port: number} | number, headless?: boolean,
 *   profileDir?: string, uiLanguage?: string}} options
 * @returns {Promise<{context: import('playwright-core').BrowserContext, extensionId: string|null,
 *   userDataDir: string, close(): Promise<void>}>}
 */
export async function launch({ extensionDir, standin, headless = true, profileDir, uiLanguage = 'en-US' } = {}) {
  const port = typeof standin === 'number' ? standin : standin?.port;
  if (!port) throw new Error('launch: pass the stand-in (or its port) as `standin`');
  // Firefox (PHOTOLIFT_BROWSER=firefox): the same shape, a context with the part of Playwright's
  // API the tests use (firefox.mjs).
  if (BROWSER === 'firefox') return launchFirefox({ extensionDir: extensionDir && realpathSync(extensionDir), port, headless, profileDir });
  const dir = extensionDir ? realpathSync(extensionDir) : null;
  const userDataDir = profileDir ?? mkdtempSync(join(tmpdir(), 'photolift-profile-'));
  const removeProfile = () => {
    if (!profileDir) rmSync(userDataDir, { recursive: true, force: true });
  };
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumExecutable(),
      headless,
      ignoreHTTPSErrors: true,
      // The browser's UI language, which the extension speaks (chrome.i18n.getUILanguage). On Linux
      // Chromium takes it from the environment (LANGUAGE first, then LC_ALL/LC_MESSAGES/LANG), not
      // from --lang, and only for a language whose .pak it has (Debian's chromium-l10n): without
      // that it stays en-US. Pinned, so that no test depends on the machine's locale.
      env: { ...process.env, LANGUAGE: uiLanguage.replace('-', '_'), LANG: `${uiLanguage.replace('-', '_')}.UTF-8` },
      // Playwright passes --disable-extensions by default. Chromium 156 lets --disable-extensions-except
      // win over it, but we drop it so loading the extension does not hang on that precedence.
      ignoreDefaultArgs: dir ? ['--disable-extensions'] : [],
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', `--lang=${uiLanguage}`,
        ...chromiumFlags(port),
        ...(dir ? [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`] : []),
      ],
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  const close = async () => {
    await context.close().catch(() => {});
    removeProfile();
  };
  try {
    const extensionId = dir ? await findExtensionId(context, dir) : null;
    return { context, extensionId, userDataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function findExtensionId(context, dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (!manifest.background?.service_worker) return computeExtensionId(dir, manifest);
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? await context.waitForEvent('serviceworker', {
      predicate: (w) => w.url().startsWith('chrome-extension://'),
      timeout: 10_000,
    }).catch(() => {
      throw new Error(`launch: no service worker from ${dir} within 10 s (did the extension fail to load?)`);
    });
  return new URL(worker.url()).host;
}

// Chromium's id for an unpacked extension: the first 128 bits of SHA-256 over the manifest
// `key` (DER, when pinned) or else the absolute path, written with the letters a–p.
export function computeExtensionId(dir, manifest = {}) {
  const input = manifest.key ? Buffer.from(manifest.key, 'base64') : Buffer.from(dir);
  const hex = createHash('sha256').update(input).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

/** Waits for the Photos app iframe of a page showing the shell, and for the app to have rendered. */
export async function appFrame(page, { timeout = 10_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page.frames().find((f) => f.url().startsWith(APP_FRAME_URL));
    if (frame) {
      await frame.waitForSelector('.PhotosRootContent', { timeout: Math.max(1, deadline - Date.now()) });
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`appFrame: no ${APP_FRAME_PATH} frame in ${page.url()}`);
    await page.waitForTimeout(50);
  }
}

/** Opens https://www.icloud.com/photos/ in a new tab; resolves to {page, app} (app = the Photos frame). */
export async function openPhotos(context) {
  const page = await context.newPage();
  await page.goto(PHOTOS_URL);
  return { page, app: await appFrame(page) };
}

/**
 * Registers before/after hooks that start a stand-in, a Chromium with `extensionDir` loaded, and a
 * temp folder for fixtures, and close them all after. Returns an object the tests read them from.
 */
export function useStandinWithExtension(extensionDir) {
  const env = {};
  before(async () => {
    env.standin = await startStandin();
    env.browser = await launch({ extensionDir, standin: env.standin });
    env.fixtures = {
      dir: mkdtempSync(join(tmpdir(), 'photolift-test-')),
      remove() { rmSync(this.dir, { recursive: true, force: true }); },
    };
  });
  after(async () => {
    await env.browser?.close();
    await env.standin?.close();
    env.fixtures?.remove();
  });
  return env;
}

/**
 * Registers hooks for suites that need clean extension storage in every test: one stand-in for the
 * suite (reset before each test), and per test a fresh browser with `extensionDir` loaded (a clean
 * profile: no upload memory, no journal, no kept handles), `prepare(context)` run on it (e.g. panel
 * settings), and a temp folder for fixtures. Returns an object the tests read them from, with
 * `openPanel()` → {page, panel} on a new iCloud Photos tab.
 */
export function useFreshBrowserPerTest(extensionDir, { prepare = async () => {}, prefix = 'photolift-test-' } = {}) {
  const env = {
    async openPanel() {
      const page = await env.browser.context.newPage();
      await page.goto(PHOTOS_URL);
      await appFrame(page);
      return { page, panel: await panelFrame(page) };
    },
  };
  before(async () => {
    env.standin = await startStandin();
  });
  after(async () => {
    await env.standin?.close();
  });
  beforeEach(async () => {
    env.standin.reset();
    env.fixtures = {
      dir: mkdtempSync(join(tmpdir(), prefix)),
      remove() { rmSync(this.dir, { recursive: true, force: true }); },
    };
    env.browser = await launch({ extensionDir, standin: env.standin });
    await prepare(env.browser.context);
  });
  afterEach(async () => {
    await env.browser?.close();
    env.fixtures?.remove();
  });
  return env;
}

/** Signs in on the stand-in as a person does: Sign In, then Continue in Apple's sign-in frame. */
export async function signInOnPage(page) {
  await page.locator('main.SignInView button.SignInButton').click();
  await page.frameLocator('iframe#aid-auth-widget-iFrame').locator('button#sign-in').click();
}
