// Tests of the stand-in's upload flows (no extension): today's four requests on two hosts, the
// withdrawn single-POST host, the page variants photolift cannot know in advance, and the faults.
// Files are picked the way the extension does it: a synthetic click on Upload mounts the input,
// then input.files is set from a DataTransfer and `change` dispatched.
// Run: node --test tests/e2e/standin-upload.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { controlClient } from '../standin/control-client.mjs';
import { startStandin } from '../standin/server.mjs';
import { launch, openPhotos } from './harness.mjs';

const UPLOAD_BUTTON = 'ui-button.push.primary.PhotosButton.ToolbarButton.AppToolbarButton.UploadButton';
const CANCEL_BUTTON = 'ui-button.CancelButton';
const MODIFIED = new Date('2021-06-05T14:30:00Z');
const LIBRARY_QUERY = '/database/1/com.apple.photos.cloud/production/private/records/query';

let standin;
let browser;
let dir;
let sunset; // {name, type, lastModified, bytes}: a real JPEG made by ImageMagick

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'photolift-standin-upload-'));
  const path = join(dir, 'sunset.jpg');
  execFileSync('convert', ['-size', '64x48', 'gradient:orange-purple', path]);
  utimesSync(path, MODIFIED, MODIFIED);
  sunset = { name: 'sunset.jpg', type: 'image/jpeg', lastModified: MODIFIED.getTime(), bytes: readFileSync(path) };
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

/** A distinct small "JPEG" (the page never decodes): `sunset`'s bytes plus a tag, so each has its own sha256. */
function photo(name, tag = name) {
  return { ...sunset, name, bytes: Buffer.concat([sunset.bytes, Buffer.from(tag)]) };
}

/** Picks files the way the extension does: synthetic click, DataTransfer files, change event. */
async function pick(app, files) {
  await app.evaluate(({ selector, files }) => {
    document.querySelector(selector).click(); // isTrusted=false: mounts the input, opens no chooser
    const input = document.querySelector('input[type=file]');
    const transfer = new DataTransfer();
    for (const { name, type, lastModified, base64 } of files) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type, lastModified }));
    }
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, { selector: UPLOAD_BUTTON, files: files.map(({ bytes, ...file }) => ({ ...file, base64: bytes.toString('base64') })) });
}

/** Waits until the row of `name` shows `state` (uploading | uploaded | duplicate | failed). */
function rowIn(app, name, state) {
  return app.locator(`.UploadProgressItem.is-${state}[data-filename="${name}"]`).waitFor();
}

async function withPhotos(fn) {
  const { page, app } = await openPhotos(browser.context);
  try {
    await fn(page, app);
  } finally {
    await page.close();
  }
}

/** The JSON bodies the app sent to one photosupload endpoint, in order. */
function recordRequests(page, endpoint) {
  const bodies = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.host === 'p42-photosupload.icloud.com' && url.pathname === `/photosupload/${endpoint}`) {
      bodies.push({ query: Object.fromEntries(url.searchParams), body: request.postDataJSON() });
    }
  });
  return bodies;
}

/** The JSON answers of one photosupload endpoint, in order. */
function recordAnswers(page, endpoint) {
  const answers = [];
  page.on('response', async (response) => {
    if (response.url().includes(`/photosupload/${endpoint}?`) && response.request().method() === 'POST') {
      answers.push(response.json().catch(() => null));
    }
  });
  return { all: () => Promise.all(answers), get length() { return answers.length; } };
}

const kinds = () => standin.state.attempts.map((attempt) => attempt.kind);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function assertRegistered(file, { protocol = 'today' } = {}) {
  const matches = standin.state.received.filter((item) => item.name === file.name);
  assert.equal(matches.length, 1, `${file.name} registered exactly once`);
  const [item] = matches;
  assert.equal(item.lastModDate, file.lastModified);
  assert.equal(item.contentType, 'image/jpeg');
  assert.ok(item.bytes.equals(file.bytes), 'byte-identical');
  assert.equal(item.sha256, sha256(file.bytes));
  assert.equal(item.protocol, protocol);
  return item;
}

async function waitUntil(predicate, { timeout = 8000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`waitUntil: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** POSTs to one of the stand-in's hosts from Node (Host header), as a client outside the page would. */
function post(host, path, body = '') {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, standin.url), {
      method: 'POST', headers: { Host: host }, ca: standin.cert, servername: 'localhost',
    }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

describe("today's flow", () => {
  test('a picked JPEG goes createUploadUrl → bytes → putAsset → uploadStatus and is registered once', () => withPhotos(async (page, app) => {
    standin.setVariant({ indexingDelayMs: 0 });
    const reserved = recordRequests(page, 'createUploadUrl');
    const registered = recordRequests(page, 'putAsset');
    await pick(app, [sunset]);
    await rowIn(app, 'sunset.jpg', 'uploaded');

    assert.deepEqual(kinds(), ['createUploadUrl', 'bytes', 'putAsset', 'putAssetEntry', 'uploadStatus', 'uploadStatus']);
    assert.ok(standin.state.attempts.every((attempt) => attempt.status === 200));
    const item = assertRegistered(sunset);
    assert.match(item.uploadJobId, ID);
    assert.match(item.cplMaster, ID);
    assert.match(item.cplAsset, ID);

    // The requests' shapes, as public captures show them.
    const [{ query, body: reserve }] = reserved;
    assert.equal(query.clientBuildNumber, '2626Project38');
    assert.equal(query.clientMasteringNumber, '2626B20');
    assert.match(query.clientId, ID);
    assert.ok(query.dsid);
    assert.equal(reserve.zoneName, 'PrimarySync');
    const [[uuid, size]] = Object.entries(reserve.assets);
    assert.equal(size, sunset.bytes.length);
    const [{ body: put }] = registered;
    assert.equal(put.zoneName, 'PrimarySync');
    assert.equal(typeof put.localTimeZoneId, 'string');
    assert.ok(put.importGroup);
    assert.equal(put.files.length, 1);
    assert.equal(put.files[0].fileName, 'sunset.jpg');
    assert.equal(put.files[0].lastModDate, MODIFIED.getTime());
    assert.equal(typeof put.files[0].timeZoneOffset, 'number');
    assert.deepEqual(put.files[0].singleFileUploadRequest, standin.state.stored[0].singleFile);
    assert.equal(standin.state.stored[0].uuid, uuid);
    assert.equal(standin.state.attempts[1].name, 'sunset.jpg', 'the byte attempt learns its name at putAsset');

    await app.locator('[role=gridcell][aria-label="sunset.jpg"] img').waitFor();
  }));

  test('stored is not registered: a whole putAsset 5xx leaves the bytes in state.stored only', () => withPhotos(async (page, app) => {
    standin.setFaults({ putAsset: { status: 500 } });
    await pick(app, [sunset]);
    await rowIn(app, 'sunset.jpg', 'failed');
    assert.equal(standin.state.received.length, 0);
    assert.equal(standin.state.stored.length, 1);
    assert.equal(standin.state.stored[0].registered, false);
    assert.ok(standin.state.stored[0].bytes.equals(sunset.bytes));
    assert.deepEqual(standin.state.attempts.map((a) => [a.kind, a.status]),
      [['createUploadUrl', 200], ['bytes', 200], ['putAsset', 500]]);
    await app.locator('[role=alert].Toast.ErrorToast').getByText('There was a problem uploading 1 item').waitFor();
  }));

  test('the same bytes again: putAsset answers 200 with a 409 "duplicate asset" entry; registered once', () => withPhotos(async (page, app) => {
    const answers = recordAnswers(page, 'putAsset');
    await pick(app, [sunset]);
    await rowIn(app, 'sunset.jpg', 'uploaded');
    await pick(app, [{ ...sunset, name: 'copy.jpg' }]);
    await rowIn(app, 'copy.jpg', 'duplicate');
    assert.equal(await app.locator('.UploadProgressItem[data-filename="copy.jpg"] .UploadProgressStatus').innerText(),
      'Already in your library');

    const [first, second] = await answers.all();
    assert.deepEqual(second, [{
      cplMaster: first[0].cplMaster, cplAsset: first[0].cplAsset,
      response: { status: 409, isRetryable: false, errorMessage: 'duplicate asset' },
    }]);
    assert.equal(standin.state.received.length, 1);
    assert.equal(standin.state.stored.length, 2, 'both byte uploads were kept');
    assert.deepEqual(standin.state.attempts.filter((a) => a.kind === 'putAssetEntry').map((a) => [a.name, a.status]),
      [['sunset.jpg', 200], ['copy.jpg', 409]]);
  }));

  test('refused entries: 503 isRetryable, 4xx not, each with an errorMessage; the rest registered', () => withPhotos(async (page, app) => {
    standin.setFaults({
      putAssetEntry: [{ status: 503, names: ['a.jpg'] }, { status: 400, names: ['b.jpg'], errorMessage: 'bad asset' }],
    });
    const requests = recordRequests(page, 'putAsset');
    const answers = recordAnswers(page, 'putAsset');
    const files = [photo('a.jpg'), photo('b.jpg'), photo('c.jpg')];
    await pick(app, files);
    await rowIn(app, 'c.jpg', 'uploaded');
    await rowIn(app, 'a.jpg', 'failed');
    await rowIn(app, 'b.jpg', 'failed');

    // Entries answer the request's files in order.
    const [entries] = await answers.all();
    const byName = Object.fromEntries(requests[0].body.files.map((file, i) => [file.fileName, entries[i]]));
    assert.deepEqual(byName['a.jpg'], { response: { status: 503, isRetryable: true, errorMessage: 'injected 503' } });
    assert.deepEqual(byName['b.jpg'], { response: { status: 400, isRetryable: false, errorMessage: 'bad asset' } });
    assert.equal(byName['c.jpg'].response.status, 200);
    assert.deepEqual(standin.state.received.map((item) => item.name), ['c.jpg']);
    await app.locator('[role=alert].Toast.ErrorToast').getByText('There was a problem uploading 2 items').waitFor();
  }));

  test('createUploadUrl 5xx fails the whole selection before any byte is sent', () => withPhotos(async (page, app) => {
    standin.setFaults({ createUploadUrl: { status: 503, count: 1 } });
    await pick(app, [photo('a.jpg'), photo('b.jpg')]);
    await rowIn(app, 'a.jpg', 'failed');
    await rowIn(app, 'b.jpg', 'failed');
    assert.deepEqual(kinds(), ['createUploadUrl']);
    assert.equal(standin.state.stored.length, 0);
    await app.locator('[role=alert].Toast.ErrorToast').getByText('There was a problem uploading 2 items').waitFor();
  }));

  test('a byte POST 5xx fails only that file (matched by size)', () => withPhotos(async (page, app) => {
    const big = photo('big.jpg', 'a longer tag than the other one');
    standin.setFaults({ bytes: { status: 500, sizes: [big.bytes.length] } });
    await pick(app, [big, photo('small.jpg')]);
    await rowIn(app, 'small.jpg', 'uploaded');
    await rowIn(app, 'big.jpg', 'failed');
    assert.deepEqual(standin.state.received.map((item) => item.name), ['small.jpg']);
    assert.deepEqual(standin.state.attempts.filter((a) => a.kind === 'bytes').map((a) => a.status).sort(), [200, 500]);
    await app.locator('[role=alert].Toast.ErrorToast').getByText('There was a problem uploading 1 item').waitFor();
  }));

  test('a byte POST cut mid-body fails the file; nothing is stored', () => withPhotos(async (page, app) => {
    // Every time: Chromium itself resends a request whose reused keep-alive socket is cut.
    standin.setFaults({ dropConnection: true });
    await pick(app, [sunset]);
    await rowIn(app, 'sunset.jpg', 'failed');
    const bytes = standin.state.attempts.filter((a) => a.kind === 'bytes');
    assert.ok(bytes.length >= 1 && bytes.every((a) => a.status === 'dropped'));
    assert.equal(standin.state.stored.length, 0);
    assert.equal(standin.state.received.length, 0);
    assert.ok(!kinds().includes('putAsset'), 'nothing to register');
  }));

  test('at most three byte uploads at once; putAsset once for the whole selection', () => withPhotos(async (page, app) => {
    standin.setFaults({ stallMs: 1500 });
    const files = ['a', 'b', 'c', 'd', 'e'].map((n) => photo(`${n}.jpg`));
    await pick(app, files);
    for (const file of files) await rowIn(app, file.name, 'uploaded');
    const bytes = standin.state.attempts.filter((a) => a.kind === 'bytes');
    assert.equal(bytes.length, 5);
    // Server-side, a request is in flight from its arrival to its answer; the page frees a slot
    // only after the answer, so more than 3 overlapping here would mean more than 3 at once.
    const overlap = Math.max(...bytes.map((a) => bytes.filter((b) => b.at <= a.at && a.at < b.doneAt).length));
    assert.equal(overlap, 3);
    const putAssets = standin.state.attempts.filter((a) => a.kind === 'putAsset');
    assert.deepEqual(putAssets.map((a) => a.files), [5]);
    assert.ok(putAssets[0].at > Math.max(...bytes.map((a) => a.doneAt)), 'sent once all byte POSTs ended');
  }));
});

describe('session expiry', () => {
  for (const status of [421, 401]) {
    test(`a ${status} tells the shell; the shell swaps the app for sign-in; nothing registered`, () => withPhotos(async (page, app) => {
      await page.evaluate(() => {
        window.addEventListener('message', (event) => { if (event.data?.icloudShell) window.__told = event.data.icloudShell; });
      });
      standin.signOut({ status });
      await pick(app, [sunset]);
      await page.waitForFunction(() => window.__told === 'session-expired');
      await page.locator('iframe.child-application').waitFor({ state: 'detached' });
      assert.equal(standin.state.expiryStatus, status);
      assert.ok(standin.state.attempts.length >= 1);
      assert.ok(standin.state.attempts.every((a) => a.status === status));
      assert.equal(standin.state.received.length, 0);
    }));
  }

  test('a session that expires between the bytes and putAsset stops there', () => withPhotos(async (page, app) => {
    await page.evaluate(() => {
      window.addEventListener('message', (event) => { if (event.data?.icloudShell) window.__told = event.data.icloudShell; });
    });
    // Sign out as soon as the bytes are stored, before the app registers them.
    const stored = waitUntil(() => standin.state.stored.length === 1, { what: 'bytes stored' }).then(() => standin.signOut());
    await page.route('https://p42-photosupload.icloud.com/photosupload/putAsset?*', async (route) => {
      await stored;
      await route.continue();
    });
    await pick(app, [sunset]);
    await page.waitForFunction(() => window.__told === 'session-expired');
    assert.equal(standin.state.received.length, 0);
    // Chromium itself may resend a request answered 421 (Misdirected Request) once.
    const putAssets = standin.state.attempts.filter((a) => a.kind === 'putAsset');
    assert.ok(putAssets.length >= 1 && putAssets.every((a) => a.status === 421));
    assert.ok(!kinds().includes('uploadStatus'));
  }));
});

describe('the withdrawn host and the other protocols', () => {
  test('the old single-POST host answers 410 with Apple\'s JSON', () => withPhotos(async (page, app) => {
    const answer = await app.evaluate(async () => {
      const response = await fetch('https://p42-uploadimagews.icloud.com/upload?filename=x.jpg&dsid=1&lastModDate=5', {
        method: 'POST', credentials: 'include', body: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], { type: 'image/jpeg' }),
      });
      return { status: response.status, json: await response.json() };
    });
    assert.deepEqual(answer, { status: 410, json: { errorReason: 'Gone', errorCode: 410 } });
    assert.deepEqual(standin.state.attempts.map((a) => [a.kind, a.name, a.status]), [['legacy', 'x.jpg', 410]]);
    assert.equal(standin.state.received.length, 0);
  }));

  test("variant protocol 'legacy': one POST per file to the old host, 200 then 409", async () => {
    standin.setVariant({ protocol: 'legacy' });
    await withPhotos(async (page, app) => {
      await pick(app, [sunset]);
      await rowIn(app, 'sunset.jpg', 'uploaded');
      await pick(app, [sunset]);
      await rowIn(app, 'sunset.jpg', 'duplicate');
      assert.deepEqual(standin.state.attempts.map((a) => [a.kind, a.status]), [['legacy', 200], ['legacy', 409]]);
      assertRegistered(sunset, { protocol: 'legacy' });
    });
  });

  test("variant protocol 'unknown': a multipart import photolift cannot know still registers", async () => {
    standin.setVariant({ protocol: 'unknown' });
    await withPhotos(async (page, app) => {
      await pick(app, [sunset]);
      await rowIn(app, 'sunset.jpg', 'uploaded');
      assert.deepEqual(kinds(), ['unknown']);
      assertRegistered(sunset, { protocol: 'unknown' });
    });
  });
});

describe('page variants', () => {
  for (const body of ['file', 'blob', 'arraybuffer']) {
    for (const realm of ['page', 'worker']) {
      for (const transport of ['xhr', 'fetch']) {
        test(`body ${body}, realm ${realm}, transport ${transport} registers the same photo`, async () => {
          standin.setVariant({ body, realm, transport });
          await withPhotos(async (page, app) => {
            await pick(app, [sunset]);
            await rowIn(app, 'sunset.jpg', 'uploaded');
            assertRegistered(sunset);
            // A typed File or Blob is sent with its type; an ArrayBuffer with none.
            assert.equal(standin.state.stored[0].contentType, body === 'arraybuffer' ? '' : 'image/jpeg');
            // Who sent the bytes, and how, from the sender's own resource timing.
            const sentBy = async (target) => target.evaluate(() => performance.getEntriesByType('resource')
              .filter((entry) => entry.name.includes('/singleFileUpload?')).map((entry) => entry.initiatorType));
            const fromPage = await sentBy(app);
            if (realm === 'page') {
              assert.deepEqual(fromPage, [transport === 'xhr' ? 'xmlhttprequest' : 'fetch']);
            } else {
              assert.deepEqual(fromPage, []);
              const [worker] = page.workers().filter((w) => w.url().endsWith('/upload-worker.js'));
              assert.ok(worker, 'the app started its upload worker');
              assert.deepEqual(await sentBy(worker), [transport === 'xhr' ? 'xmlhttprequest' : 'fetch']);
            }
          });
        });
      }
    }
  }

  test('putAssetBatch 2: five files register in chunks of 2, 2, 1', async () => {
    standin.setVariant({ putAssetBatch: 2 });
    await withPhotos(async (page, app) => {
      const files = ['a', 'b', 'c', 'd', 'e'].map((n) => photo(`${n}.jpg`));
      await pick(app, files);
      for (const file of files) await rowIn(app, file.name, 'uploaded');
      // Chunks are sent as soon as they are full and may be in flight together, so the server can
      // see the last chunk before the one before it: the sizes are compared, not their order.
      const chunks = standin.state.attempts.filter((a) => a.kind === 'putAsset').map((a) => a.files);
      assert.deepEqual(chunks.sort(), [1, 2, 2]);
      for (const file of files) assertRegistered(file);
    });
  });

  test("reserve 'file': one createUploadUrl per file", async () => {
    standin.setVariant({ reserve: 'file' });
    await withPhotos(async (page, app) => {
      await pick(app, [photo('a.jpg'), photo('b.jpg')]);
      await rowIn(app, 'a.jpg', 'uploaded');
      await rowIn(app, 'b.jpg', 'uploaded');
      assert.deepEqual(standin.state.attempts.filter((a) => a.kind === 'createUploadUrl').map((a) => a.files), [1, 1]);
    });
  });
});

describe('pacing, indexing and cancel', () => {
  test('a bandwidth limit paces the byte POST body reads', () => withPhotos(async (page, app) => {
    const rate = 100_000;
    const big = { ...sunset, name: 'big.jpg', bytes: Buffer.concat([sunset.bytes, Buffer.alloc(150_000, 1)]) };
    standin.setFaults({ bandwidthBytesPerSec: rate });
    await pick(app, [big]);
    await rowIn(app, 'big.jpg', 'uploaded');
    const [bytes] = standin.state.attempts.filter((a) => a.kind === 'bytes');
    assert.equal(bytes.size, big.bytes.length);
    const expected = (big.bytes.length * 1000) / rate;
    assert.ok(bytes.bodyEndedAt - bytes.at >= expected, `read in ${bytes.bodyEndedAt - bytes.at} ms, at least ${expected} ms`);
    assertRegistered(big);
  }));

  test('indexing delay: a registered photo stays out of library queries until it passes', () => withPhotos(async (page, app) => {
    standin.setVariant({ indexingDelayMs: 60_000 });
    await pick(app, [sunset]);
    await rowIn(app, 'sunset.jpg', 'uploaded');
    const query = () => post('p42-ckdatabasews.icloud.com', LIBRARY_QUERY, '{}');
    assert.deepEqual((await query()).json.records, [], 'registered a moment ago, not indexed yet');

    const delay = 600;
    standin.setVariant({ indexingDelayMs: delay });
    const { receivedAt, photoGuid } = standin.state.received[0];
    let seenAt = null;
    await waitUntil(async () => {
      const { records } = (await query()).json;
      if (records.length) seenAt = Date.now();
      return records.length === 1 && records[0].recordName === photoGuid;
    }, { what: 'the record indexed' });
    assert.ok(seenAt >= receivedAt + delay, `visible ${seenAt - receivedAt} ms after registration`);
    await app.locator('[role=gridcell][aria-label="sunset.jpg"]').waitFor();
  }));

  test('Cancel upload aborts the byte POSTs in flight; nothing is registered, no error toast', () => withPhotos(async (page, app) => {
    standin.setFaults({ bandwidthBytesPerSec: 20_000 });
    const big = { ...sunset, name: 'big.jpg', bytes: Buffer.concat([sunset.bytes, Buffer.alloc(400_000, 2)]) };
    const aborted = page.waitForEvent('requestfailed', (request) => request.url().includes('/singleFileUpload?'));
    await pick(app, [big]);
    await waitUntil(() => standin.state.attempts.some((a) => a.kind === 'bytes' && a.size > 0), { what: 'bytes flowing' });
    await app.locator(CANCEL_BUTTON).click();
    await rowIn(app, 'big.jpg', 'failed');
    assert.equal((await aborted).failure().errorText, 'net::ERR_ABORTED');
    // (The server notices the cut only when its paced reading reaches it: no status to wait on.)
    assert.equal(standin.state.stored.length, 0);
    assert.equal(standin.state.received.length, 0);
    assert.equal(await app.locator('[role=alert].Toast.ErrorToast').count(), 0);
  }));
});

describe('control API', () => {
  test('variant, faults, stored and signout through the control client', async () => {
    const control = controlClient(standin.url, { cert: standin.cert });
    assert.equal((await control.variant()).protocol, 'today');
    assert.equal((await control.setVariant({ protocol: 'legacy', putAssetBatch: 3 })).putAssetBatch, 3);
    assert.equal(standin.state.variant.protocol, 'legacy');
    await assert.rejects(control.setVariant({ protocl: 'legacy' }), /unknown key protocl/);
    await assert.rejects(control.setVariant({ realm: 'iframe' }), /realm cannot be "iframe"/);
    await assert.rejects(control.setFaults({ bytes: { names: ['a.jpg'] } }), /use sizes/);
    await control.setFaults({ bandwidthBytesPerSec: 2_000_000 });
    assert.deepEqual(await control.faults(), { bandwidthBytesPerSec: 2_000_000 });
    assert.deepEqual(await control.stored(), []);
    await control.signOut({ status: 401 });
    assert.deepEqual([standin.state.signedIn, standin.state.expiryStatus], [false, 401]);
    const state = await control.state();
    assert.equal(state.expiryStatus, 401);
    assert.equal(state.variant.protocol, 'legacy');
    await control.reset();
    assert.deepEqual([standin.state.signedIn, standin.state.expiryStatus, standin.state.variant.protocol], [true, 421, 'today']);
  });
});
