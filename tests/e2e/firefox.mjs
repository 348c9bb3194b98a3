// Firefox for the browser tests: Debian's firefox-esr, headless, driven by puppeteer-core over
// WebDriver BiDi (nothing is downloaded), with dist/firefox installed as a temporary add-on
// (BiDi's webExtension.install). The tests are written against Playwright's API; this file gives
// Firefox the part of that API they use (a context, pages, frames, locators), so every suite is one
// set of tests run in either browser (harness.mjs chooses by PHOTOLIFT_BROWSER).
//
// How Firefox reaches the stand-in as iCloud: it has no --host-resolver-rules, and the stand-in
// listens on a free port, not 443. So Firefox is given a local HTTP proxy (prefs network.proxy.*)
// that answers CONNECT for the iCloud host names by opening a tunnel to the stand-in, and refuses
// every other host (as Chromium's rules send only those names to it). The page then runs at its
// real origin, https://www.icloud.com/, and TLS goes end to end through the tunnel; the throwaway
// certificate is accepted by BiDi's acceptInsecureCerts for this session only.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { SITE_HOST, isStandinHost } from '../standin/server.mjs';

export const FIREFOX_EXECUTABLE = '/usr/bin/firefox-esr';
// The add-on id of manifest.firefox.json, and the moz-extension:// host it gets: Firefox picks a
// random one per profile unless told (extensions.webextensions.uuids).
const ADDON_ID = 'photolift@photolift.app';
export const FIREFOX_EXTENSION_HOST = '3a7f9b0e-6d2c-4f1a-9c55-1d2b7e0c1a42';

/** A CONNECT proxy that tunnels the iCloud host names to the stand-in and refuses the rest. */
async function startTunnel(standinPort) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    res.writeHead(403);
    res.end();
  });
  server.on('connect', (req, client, head) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const host = req.url.replace(/:\d+$/, '');
    if (!isStandinHost(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(standinPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Firefox prefs: the proxy, and nothing that phones home during a test. */
function prefs(proxyPort) {
  return {
    'network.proxy.type': 1,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxyPort,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    'network.http.http3.enable': false,
    'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: FIREFOX_EXTENSION_HOST }),
    'app.update.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
  };
}

/**
 * Starts Firefox with `extensionDir` installed, pointed at the stand-in on `port`.
 * @returns {Promise<{context: FirefoxContext, extensionId: string|null, userDataDir: string, close(): Promise<void>}>}
 */
export async function launchFirefox({ extensionDir, port, headless = true, profileDir }) {
  const tunnel = await startTunnel(port);
  const userDataDir = profileDir ?? mkdtempSync(join(tmpdir(), 'photolift-firefox-'));
  let browser;
  const close = async () => {
    await browser?.close().catch(() => {});
    await tunnel.close();
    if (!profileDir) rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_EXECUTABLE,
      headless,
      acceptInsecureCerts: true,
      userDataDir,
      extraPrefsFirefox: prefs(tunnel.port),
      protocolTimeout: 120_000,
      // Playwright's default, which the tests' layout assumes (the panel covers the right of the page).
      defaultViewport: { width: 1280, height: 720 },
    });
    let extensionId = null;
    if (extensionDir) {
      await browser.installExtension(extensionDir);
      extensionId = FIREFOX_EXTENSION_HOST;
    }
    return { context: new FirefoxContext(browser, extensionId), extensionId, userDataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Every file under `dir`, recursively, sorted. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map((name) => join(dir, String(name)))
    .filter((path) => statSync(path).isFile()).sort();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check()` until it returns a value other than undefined, or throws after `timeout`. */
async function poll(check, { timeout = 30_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await sleep(interval);
  }
}

class FirefoxContext {
  constructor(browser, extensionId) {
    this.browser = browser;
    this.extensionId = extensionId;
    this.wrapped = new Map();
  }

  wrap(page) {
    if (!this.wrapped.has(page)) this.wrapped.set(page, new FirefoxPage(this, page));
    return this.wrapped.get(page);
  }

  async newPage() {
    return this.wrap(await this.browser.newPage());
  }

  /** The tabs the tests opened (or saw open) that are still open. */
  pages() {
    return [...this.wrapped.entries()].filter(([page]) => !page.isClosed()).map(([, wrapped]) => wrapped);
  }

  /**
   * Runs `fn(arg)` in an extension page of photolift (moz-extension://…), where `chrome.*` is at
   * hand: Firefox's stand-in for Chromium's service worker in the tests (bulk-fixtures.mjs
   * `extensionWorker`). The background page's own globals are not (it runs in another process).
   */
  async evaluateInExtension(fn, arg) {
    const page = await this.browser.newPage();
    try {
      // WebDriver BiDi may not navigate to moz-extension://, nor may a page; a page of the site may
      // frame the panel page (web-accessible there). Alone, the panel waits for a connection that
      // never comes, and this frame has chrome.* at hand.
      await page.goto(`https://${SITE_HOST}/__photolift-test-blank`);
      const frameElement = await page.evaluateHandle((url) => {
        const iframe = document.createElement('iframe');
        iframe.src = url;
        document.documentElement.append(iframe);
        return iframe;
      }, `moz-extension://${this.extensionId}/panel.html`);
      const frame = await poll(async () => (await frameElement.contentFrame()) ?? undefined, { what: 'the extension frame' });
      await frame.waitForFunction(() => location.protocol === 'moz-extension:' && document.readyState === 'complete');
      return await frame.evaluate(fn, arg);
    } finally {
      await page.close().catch(() => {});
    }
  }
}

class FirefoxPage {
  constructor(context, page) {
    this.ctx = context;
    this.page = page;
  }

  context() { return this.ctx; }
  url() { return this.page.url(); }
  async goto(url) { await this.page.goto(url, { waitUntil: 'load' }); }
  async reload() { await this.page.reload({ waitUntil: 'load' }); }
  async close() { await this.page.close(); }
  async waitForTimeout(ms) { await sleep(ms); }
  async evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  async waitForURL(url, { timeout = 30_000 } = {}) {
    await poll(() => (this.page.url() === String(url) ? true : undefined), { timeout, what: `URL ${url}` });
  }

  frames() {
    return this.page.frames().map((frame) => new FirefoxFrame(frame));
  }

  mainFrame() { return new FirefoxFrame(this.page.mainFrame()); }
  async waitForSelector(selector, options) { return this.mainFrame().waitForSelector(selector, options); }
  locator(selector) { return this.mainFrame().locator(selector); }

  frameLocator(selector) {
    const owner = this.mainFrame();
    return {
      locator: (inner) => new FirefoxLocator(async (timeout) => {
        const handle = await owner.frame.waitForSelector(selector, { timeout });
        return handle.contentFrame();
      }, inner),
    };
  }

  /**
   * A drop from the desktop: WebDriver BiDi cannot drag files from disk, so the paths (a folder as
   * its files) go to the panel's files picker. Either way Firefox gives the panel no File System
   * Access handles to keep.
   */
  async dropFiles(panel, paths) {
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(paths);
  }
}

class FirefoxFrame {
  constructor(frame) {
    this.frame = frame;
  }

  url() { return this.frame.url(); }
  async evaluate(fn, arg) { return this.frame.evaluate(fn, arg); }
  async evaluateHandle(fn, arg) { return this.frame.evaluateHandle(fn, arg); }

  /** Playwright's states: attached (default here, as the tests ask), visible, hidden, detached. */
  async waitForSelector(selector, { state = 'visible', timeout = 30_000 } = {}) {
    if (state === 'attached' || state === 'visible') {
      const handle = await this.frame.waitForSelector(selector, { timeout, visible: state === 'visible' });
      return new FirefoxElement(handle);
    }
    await this.frame.waitForSelector(selector, { timeout, hidden: true });
    return null;
  }

  locator(selector) {
    return new FirefoxLocator(async () => this.frame, selector);
  }
}

class FirefoxElement {
  constructor(handle) {
    this.handle = handle;
  }

  async contentFrame() {
    return new FirefoxFrame(await this.handle.contentFrame());
  }
}

const isVisible = (el) => {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
};

class FirefoxLocator {
  /** `frameOf(timeout)` resolves to the puppeteer frame the selector is looked up in. */
  constructor(frameOf, selector, { first = false } = {}) {
    this.frameOf = frameOf;
    this.selector = selector;
    this.onlyFirst = first;
  }

  first() { return new FirefoxLocator(this.frameOf, this.selector, { first: true }); }
  locator(inner) { return new FirefoxLocator(this.frameOf, `${this.selector} ${inner}`); }

  async element(timeout = 30_000) {
    const frame = await this.frameOf(timeout);
    return poll(async () => (await frame.$(this.selector)) ?? undefined, { timeout, what: `element ${this.selector}` });
  }

  async count() {
    const frame = await this.frameOf(30_000);
    return (await frame.$$(this.selector)).length;
  }

  async isVisible() {
    const frame = await this.frameOf(30_000);
    const handle = await frame.$(this.selector);
    return handle ? handle.evaluate(isVisible) : false;
  }

  async evaluate(fn, arg) { return (await this.element()).evaluate(fn, arg); }
  async evaluateAll(fn, arg) { return (await this.frameOf(30_000)).$$eval(this.selector, fn, arg); }
  async innerText() { return (await this.element()).evaluate((el) => el.innerText); }
  async textContent() { return (await this.element()).evaluate((el) => el.textContent); }
  async boundingBox() { return (await this.element()).boundingBox(); }

  /** The element, visible, and the pointer moved to its clickable point as it is now. */
  async pointAt(timeout) {
    const frame = await this.frameOf(timeout);
    const handle = await frame.waitForSelector(this.selector, { visible: true, timeout });
    const pointAtIt = async () => {
      await handle.scrollIntoViewIfNeeded();
      const { x, y } = await handle.clickablePoint();
      await frame.page().mouse.move(x, y);
    };
    await pointAtIt();
    return { handle, mouse: frame.page().mouse, pointAtIt };
  }

  /** As Playwright hovers: the pointer goes to the element's clickable point. */
  async hover({ timeout = 30_000 } = {}) {
    await this.pointAt(timeout);
  }

  /**
   * As Playwright clicks: the pointer goes to the element, and presses only once the element is
   * really under it (the panel may have moved between measuring and moving; under the pointer it
   * keeps still).
   */
  async click({ timeout = 30_000 } = {}) {
    const { handle, mouse, pointAtIt } = await this.pointAt(timeout);
    await poll(async () => {
      if (await handle.evaluate((el) => el.matches(':hover'))) return true;
      await pointAtIt();
      return undefined;
    }, { timeout, what: `the pointer over ${this.selector}` });
    await mouse.down();
    await mouse.up();
  }

  /**
   * Firefox's WebDriver BiDi cannot choose a folder (input.setFiles: "Is directory"). A folder
   * given here goes, as its files, to the panel's files picker instead: the panel takes a folder's
   * photos that come back as loose files the same way (README, Resume).
   */
  async setInputFiles(paths) {
    const list = [paths].flat();
    const files = list.flatMap((path) => (statSync(path).isDirectory() ? filesUnder(path) : [path]));
    let handle = await this.element();
    if (files.length !== list.length || await handle.evaluate((el) => el.webkitdirectory)) {
      const frame = await this.frameOf(30_000);
      handle = await frame.waitForSelector('input[data-testid=photolift-files]');
    }
    await handle.uploadFile(...files);
  }

  async waitFor({ state = 'visible', timeout = 30_000 } = {}) {
    const frame = await this.frameOf(timeout);
    const check = async () => {
      const handle = await frame.$(this.selector).catch(() => null);
      const attached = Boolean(handle);
      const visible = attached && await handle.evaluate(isVisible).catch(() => false);
      const met = { attached, detached: !attached, visible, hidden: !visible }[state];
      return met ? true : undefined;
    };
    await poll(check, { timeout, what: `${this.selector} ${state}` });
  }
}
