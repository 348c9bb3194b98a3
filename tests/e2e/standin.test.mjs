// Tests of the iCloud Photos stand-in itself, used as a person (or the extension) would use it.
// If these fail, e2e failures of the extension mean nothing. Run: node --test tests/e2e/standin.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { request as httpsRequest } from 'node:https';
import { controlClient } from '../standin/control-client.mjs';
import { createState, setFaults, takeFailure } from '../standin/state.mjs';
import { startStandin } from '../standin/server.mjs';
import { appFrame, computeExtensionId, launch, openPhotos } from './harness.mjs';

const UPLOAD_BUTTON = 'ui-button.push.primary.PhotosButton.ToolbarButton.AppToolbarButton.UploadButton';
const MODIFIED = new Date('2021-06-05T14:30:00Z'); // whole seconds: file systems keep no more
const WASM_HEADER = [0, 97, 115, 109, 1, 0, 0, 0];

let standin;
let browser;
let dir;
const fixture = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'photolift-standin-test-'));
  const make = (name, ...args) => {
    const path = join(dir, name);
    execFileSync('convert', [...args, path]);
    utimesSync(path, MODIFIED, MODIFIED);
    return path;
  };
  fixture.jpeg = make('sunset.jpg', '-size', '64x48', 'gradient:orange-purple');
  fixture.jpeg2 = make('forest.jpg', '-size', '48x64', 'gradient:green-yellow');
  fixture.png = make('screenshot.png', '-size', '8x8', 'xc:red');
  standin = await startStandin();
  browser = await launch({ standin });
  browser.context.setDefaultTimeout(8000); // fail fast: every step here takes well under a second
});

after(async () => {
  await browser?.close();
  await standin?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => standin.reset());

// Clicks Upload as a person would and picks files in the chooser it opens.
async function pickFiles(page, app, paths) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), app.click(UPLOAD_BUTTON)]);
  await chooser.setFiles(paths);
  return chooser;
}

function progressRow(app, name) {
  return app.locator(`.UploadProgressItem[data-filename="${name}"]`);
}

async function withPhotos(fn) {
  const { page, app } = await openPhotos(browser.context);
  try {
    await fn(page, app);
  } finally {
    await page.close();
  }
}

// The withdrawn single-POST upload (variant protocol 'legacy'), as the page did before 2026-08-25.
function withLegacyPhotos(fn) {
  standin.setVariant({ protocol: 'legacy' });
  return withPhotos(fn);
}

describe('the Photos page', () => {
  test('shell frames the app same-origin, with the upload button and grid', () => withPhotos(async (page, app) => {
    assert.equal(new URL(app.url()).origin, 'https://www.icloud.com');
    assert.equal(await page.locator('iframe.child-application').count(), 1);
    assert.match(await page.locator('.AccountButton').innerText(), /Sign Out/);
    const button = app.locator(UPLOAD_BUTTON);
    assert.equal(await button.getAttribute('aria-label'), 'Upload');
    assert.equal(await button.getAttribute('role'), 'button');
    assert.equal(await app.locator('[role=grid]').count(), 1);
    assert.equal(await app.locator('input[type=file]').count(), 0, 'the input is only mounted by a click');
  }));

  test('a picked JPEG arrives byte-identical, with name and lastModified, and shows in the grid', () => withPhotos(async (page, app) => {
    standin.setVariant({ indexingDelayMs: 0 }); // the grid shows it at the app's next poll
    const chooser = await pickFiles(page, app, [fixture.jpeg]);
    assert.equal(chooser.isMultiple(), true);
    await progressRow(app, 'sunset.jpg').getByText('Uploaded').waitFor();

    assert.equal(standin.state.received.length, 1);
    const [item] = standin.state.received;
    assert.equal(item.name, 'sunset.jpg');
    assert.equal(item.lastModDate, MODIFIED.getTime());
    assert.equal(item.contentType, 'image/jpeg');
    assert.equal(item.protocol, 'today');
    assert.ok(item.bytes.equals(readFileSync(fixture.jpeg)));
    assert.equal(await app.locator('input[type=file]').count(), 0, 'the input is removed after its change');
    await app.locator('[role=gridcell][aria-label="sunset.jpg"] img').waitFor();
  }));

  test('a PNG gets the format error toast and is never sent', () => withPhotos(async (page, app) => {
    await pickFiles(page, app, [fixture.png, fixture.jpeg]);
    const toast = app.locator('.Toast.ErrorToast[role=alert]');
    await toast.waitFor();
    assert.equal(await toast.innerText(), 'There was a problem uploading 1 item');
    await progressRow(app, 'sunset.jpg').getByText('Uploaded').waitFor();
    assert.equal(standin.state.attempts[0].files, 1, 'only the JPEG was reserved');
    assert.deepEqual(standin.state.received.map((item) => item.name), ['sunset.jpg']);
    assert.equal(await progressRow(app, 'screenshot.png').count(), 0);
  }));

  test('legacy: an exact duplicate is answered 409 "already in your library" and stored once', () => withLegacyPhotos(async (page, app) => {
    await pickFiles(page, app, [fixture.jpeg]);
    await progressRow(app, 'sunset.jpg').getByText('Uploaded').waitFor();
    await pickFiles(page, app, [fixture.jpeg]);
    await progressRow(app, 'sunset.jpg').getByText('Already in your library').waitFor();
    assert.deepEqual(standin.state.attempts.map((a) => a.status), [200, 409]);
    assert.equal(standin.state.received.length, 1);
  }));

  test('legacy: an injected 503 fails the row and stores nothing; the next try succeeds', () => withLegacyPhotos(async (page, app) => {
    standin.setFaults({ failures: { status: 503, count: 1 } });
    await pickFiles(page, app, [fixture.jpeg]);
    await progressRow(app, 'sunset.jpg').getByText("Couldn't upload").waitFor();
    assert.equal(standin.state.received.length, 0);
    await pickFiles(page, app, [fixture.jpeg]);
    await progressRow(app, 'sunset.jpg').getByText('Uploaded').waitFor();
    assert.deepEqual(standin.state.attempts.map((a) => a.status), [503, 200]);
  }));

  test('legacy: a dropped connection fails the row', () => withLegacyPhotos(async (page, app) => {
    // Every time: Chromium itself resends a request whose reused keep-alive socket is cut.
    standin.setFaults({ dropConnection: true });
    await pickFiles(page, app, [fixture.jpeg]);
    await progressRow(app, 'sunset.jpg').getByText("Couldn't upload").waitFor();
    assert.equal(standin.state.received.length, 0);
    assert.ok(standin.state.attempts.every((a) => a.status === 'dropped'));
  }));

  test('legacy: a stalled upload is stored but the row waits for the late answer', () => withLegacyPhotos(async (page, app) => {
    standin.setFaults({ stallMs: 700 });
    await pickFiles(page, app, [fixture.jpeg]);
    const row = progressRow(app, 'sunset.jpg');
    await waitUntil(() => standin.state.received.length === 1);
    assert.doesNotMatch(await row.innerText(), /Uploaded/);
    await row.getByText('Uploaded').waitFor();
  }));

  test('legacy: at most three uploads run at once', () => withLegacyPhotos(async (page, app) => {
    standin.setFaults({ stallMs: 1500 });
    const paths = ['a', 'b', 'c', 'd', 'e'].map((n) => {
      const path = join(dir, 'batch', `${n}.jpg`);
      mkdirSync(join(dir, 'batch'), { recursive: true });
      writeFileSync(path, Buffer.concat([readFileSync(fixture.jpeg), Buffer.from(n)]));
      return path;
    });
    await pickFiles(page, app, paths);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await progressRow(app, `${name}.jpg`).getByText('Uploaded').waitFor();
    assert.equal(standin.state.received.length, 5);
    // A request is in flight server-side from its arrival to its answer, and the page frees a slot
    // only after an answer: more than 3 overlapping here would mean more than 3 at once.
    const { attempts } = standin.state;
    const overlap = Math.max(...attempts.map((a) => attempts.filter((b) => b.at <= a.at && a.at < b.doneAt).length));
    assert.equal(overlap, 3, 'the 4th waits for a free slot');
  }));

  test('synthetic click + DataTransfer files + change event upload (the extension\'s path)', () => withPhotos(async (page, app) => {
    const name = await app.evaluate(async ({ selector, modified }) => {
      document.querySelector(selector).click(); // isTrusted=false: mounts the input, opens no chooser
      const input = document.querySelector('input[type=file]');
      const transfer = new DataTransfer();
      const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]); // SOI, EOI: the page never decodes
      transfer.items.add(new File([bytes], 'converted.jpg', { type: 'image/jpeg', lastModified: modified }));
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return input.files[0].name;
    }, { selector: UPLOAD_BUTTON, modified: MODIFIED.getTime() });
    assert.equal(name, 'converted.jpg');
    await progressRow(app, 'converted.jpg').getByText('Uploaded').waitFor();
    assert.equal(standin.state.received[0].lastModDate, MODIFIED.getTime());
    assert.equal(standin.state.received[0].size, 4);
  }));

  test('signed out: a 421 upload swaps the app for the sign-in view in place; Sign In brings a fresh app back', () => withPhotos(async (page, app) => {
    // Something injected into the top document (as the extension's panel is) must survive.
    await page.evaluate(() => {
      window.__sameDocument = true;
      document.body.append(Object.assign(document.createElement('div'), { id: 'injected' }));
    });
    standin.signOut(); // the session expires while the app is open: requests get 421
    await pickFiles(page, app, [fixture.jpeg]);
    await page.locator('main.SignInView section.SignIn h1').getByText('Sign in to iCloud').waitFor();
    assert.deepEqual([standin.state.attempts[0].kind, standin.state.attempts[0].status], ['createUploadUrl', 421]);
    assert.equal(standin.state.received.length, 0);
    assert.equal(await page.locator('iframe.child-application').count(), 0, 'the app is gone');
    assert.equal(app.isDetached(), true);
    assert.equal(await page.locator('.AccountButton').isVisible(), false);
    assert.equal(page.url(), standin.photosUrl);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no navigation');

    // Sign In opens Apple's sign-in frame; its Continue signs in.
    await page.click('button.SignInButton');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === 'https://idmsa.apple.com/appleauth/auth/signin'),
      page.frameLocator('#aid-auth-widget-iFrame').locator('button#sign-in').click(),
    ]);
    assert.equal(answer.status(), 200);
    const fresh = await appFrame(page);
    assert.notEqual(fresh, app);
    assert.equal(standin.state.signedIn, true);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'still no navigation');
    assert.equal(await page.locator('#injected').count(), 1);
    assert.equal(await page.locator('[class*="SignIn"]').count(), 0, 'no sign-in markers left');
    assert.equal(await page.locator('.AccountButton').isVisible(), true);

    await pickFiles(page, fresh, [fixture.jpeg]);
    await progressRow(fresh, 'sunset.jpg').getByText('Uploaded').waitFor();
    assert.equal(standin.state.received.length, 1);
  }));

  test('signed out: an idle app notices at its next library poll', () => withPhotos(async (page) => {
    await page.waitForTimeout(300);
    standin.signOut();
    const started = Date.now();
    await page.locator('main.SignInView button.SignInButton').waitFor({ timeout: 5000 });
    assert.ok(Date.now() - started < 4000, 'within about one 2 s poll');
    assert.equal(await page.locator('iframe').count(), 0);
  }));

  test('signed out: a reload shows the sign-in page; Apple\'s frame signs in and the app comes in place', () => withPhotos(async (page) => {
    standin.signOut();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to iCloud' }).waitFor();
    assert.equal(await page.locator('iframe').count(), 0);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.frameLocator('#aid-auth-widget-iFrame').getByRole('button', { name: 'Continue' }).click();
    await appFrame(page);
    assert.equal(standin.state.signedIn, true);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'signed in without a reload');
  }));

  test('the page CSP forbids WebAssembly in the shell and the app', () => withPhotos(async (page, app) => {
    const compile = (header) => WebAssembly.compile(new Uint8Array(header)).then(() => 'compiled', (e) => e.name);
    assert.equal(await app.evaluate(compile, WASM_HEADER), 'CompileError');
    assert.equal(await page.evaluate(compile, WASM_HEADER), 'CompileError');
  }));
});

describe('the control API', () => {
  test('answers on 127.0.0.1:PORT and on www.icloud.com', () => withPhotos(async (page, app) => {
    await pickFiles(page, app, [fixture.jpeg2]);
    await progressRow(app, 'forest.jpg').getByText('Uploaded').waitFor();
    const control = controlClient(standin.url, { cert: standin.cert });
    const [listed] = await control.received();
    assert.equal(listed.name, 'forest.jpg');
    assert.equal(listed.bytes, undefined);
    assert.ok((await control.receivedBytes(0)).equals(readFileSync(fixture.jpeg2)));
    await control.setFaults({ failures: [{ statuses: [500], names: ['x.jpg'] }] });
    assert.deepEqual(await control.state(), {
      signedIn: true,
      expiryStatus: 421,
      received: 1,
      stored: 1,
      attempts: standin.state.attempts.length,
      faults: { failures: [{ statuses: [500], names: ['x.jpg'] }] },
      variant: standin.state.variant,
    });
    const fromPage = await page.evaluate(() => fetch('/__standin/received').then((r) => r.json()));
    assert.equal(fromPage[0].sha256, listed.sha256);
    await control.reset();
    assert.equal(standin.state.received.length, 0);
  }));
});

describe('fault rules', () => {
  test('a seeded rate is reproducible and names/count limit a rule', () => {
    const outcomes = () => {
      const state = createState();
      setFaults(state, { failures: [{ status: 409, names: ['a.jpg'], count: 1 }, { rate: 0.3, statuses: [500, 503], seed: 7 }] });
      return ['a.jpg', 'a.jpg', ...Array(40).fill('b.jpg')].map((name) => takeFailure(state, name));
    };
    const first = outcomes();
    assert.deepEqual(first, outcomes());
    assert.equal(first[0], 409);
    const failed = first.slice(1).filter((status) => status !== null);
    assert.ok(failed.length > 3 && failed.length < 25, `about 30 % of 41 fail, got ${failed.length}`);
    assert.ok(failed.every((status) => status === 500 || status === 503));
  });

  test('an upload stalled forever is stored, never answered, and close() still returns', async () => {
    const own = await startStandin();
    own.setVariant({ protocol: 'legacy' });
    own.setFaults({ stallMs: 'forever' });
    const answer = new Promise((resolve) => {
      const req = httpsRequest(`${own.url}upload?filename=x.jpg&lastModDate=5`, {
        method: 'POST', headers: { Host: 'p42-uploadimagews.icloud.com', 'Content-Type': 'image/jpeg' }, ca: own.cert,
        servername: 'localhost',
      }, (res) => resolve(res.statusCode));
      req.on('error', () => resolve('cut'));
      req.end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    });
    await waitUntil(() => own.state.received.length === 1);
    assert.deepEqual([own.state.received[0].name, own.state.received[0].lastModDate], ['x.jpg', 5]);
    assert.equal(own.state.attempts[0].status, 'stalled');
    await own.close();
    assert.equal(await answer, 'cut');
  });
});

describe('the harness with an extension', () => {
  test('loads it, finds its id, and its content script runs in the app frame where wasm is refused', async () => {
    const extensionDir = join(dir, 'probe-extension');
    mkdirSync(extensionDir, { recursive: true });
    writeFileSync(join(extensionDir, 'manifest.json'), JSON.stringify({
      manifest_version: 3, name: 'probe', version: '1',
      background: { service_worker: 'worker.js' },
      content_scripts: [{ matches: ['https://www.icloud.com/*'], js: ['content.js'], all_frames: true }],
    }));
    writeFileSync(join(extensionDir, 'worker.js'), '');
    writeFileSync(join(extensionDir, 'content.js'), `
      WebAssembly.compile(new Uint8Array(${JSON.stringify(WASM_HEADER)}))
        .then(() => 'compiled', (e) => e.name)
        .then((result) => document.documentElement.setAttribute('data-probe-wasm', result));`);
    const withExtension = await launch({ standin, extensionDir });
    try {
      assert.equal(withExtension.extensionId, computeExtensionId(extensionDir));
      const { page, app } = await openPhotos(withExtension.context);
      await app.locator('html[data-probe-wasm]').waitFor({ state: 'attached' });
      assert.equal(await app.locator('html').getAttribute('data-probe-wasm'), 'CompileError');
      await page.close();
    } finally {
      await withExtension.close();
    }
  });
});

async function waitUntil(predicate, timeout = 5000) {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('waitUntil: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
