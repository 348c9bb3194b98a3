// The upload tracker with the real site adapter, fed the page observer's reports as the page's
// upload flows produce them (today's four requests, the withdrawn single POST, an unknown flow).
// Every message it sends the panel is checked against the Rust protocol's fields.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { fieldsByType, loadScripts, protocolCatalog } from './load-extension-scripts.mjs';

const scripts = loadScripts(['protocol.js', 'content/icloud.js', 'content/upload-tracker.js']);
const P = scripts.PhotoliftProtocol;
const site = scripts.PhotoliftICloud;
const Tracker = scripts.PhotoliftUploadTracker;
const FIELDS = fieldsByType(protocolCatalog(), 'FromPage');

const API = 'https://p42-photosupload.icloud.com/photosupload';
const QUERY = '?clientBuildNumber=2626Project38&clientMasteringNumber=2626B20&clientId=C1&dsid=1234567890';
const CONTENT = 'https://cvws.icloud-content.com/B/7/singleFileUpload';
const MODIFIED = 1622903400000;

let clock;
let sent;
let statuses;
let tracker;
let nextRequest;

beforeEach(() => {
  clock = 1_000_000;
  sent = [];
  statuses = [];
  nextRequest = 1;
  tracker = Tracker.create({
    site,
    protocol: P,
    now: () => clock,
    send: (type, fields) => {
      assert.ok(FIELDS.has(type), `sent an unknown type ${type}`);
      assert.deepEqual(Object.keys(fields).sort(), FIELDS.get(type), `fields of ${type}`);
      sent.push({ type, ...fields });
    },
    onPageStatus: (status) => statuses.push(status),
    describePage: () => ({ checks: [{ name: 'upload button', passed: true }], extensionVersion: '0.1.0', browser: 'test' }),
  });
});

const results = () => sent.filter((m) => m.type === P.FromPage.FILE_RESULT)
  .map(({ id, outcome, status, message }) => ({ id, outcome, status, message }));
// Each file's last progress report: [loaded, total].
const lastProgress = () => Object.fromEntries(sent.filter((m) => m.type === P.FromPage.FILE_PROGRESS)
  .map((m) => [m.id, [m.loaded, m.total]]));
const observe = (message) => tracker.observe(1, message);

function request(method, url, body = { kind: 'none', size: 0 }) {
  const id = nextRequest++;
  observe({ type: P.FromObserver.REQUEST_STARTED, request: id, method, url, body });
  return {
    progress: (loaded, total) => observe({ type: P.FromObserver.REQUEST_PROGRESS, request: id, loaded, total }),
    end: (status, text = null) => observe({ type: P.FromObserver.REQUEST_ENDED, request: id, status, text }),
  };
}
const json = (value) => ({ kind: 'text', size: 0, text: JSON.stringify(value) });
const fileBody = (f) => ({ kind: 'file', size: f.size, name: f.name, lastModified: f.lastModified });

const files = (...specs) => specs.map(([id, name, size]) => ({ id, batch: 1, name, lastModified: MODIFIED, size }));

// Today's flow for `handed`, with the bytes as `bodyKind`; returns after putAsset was answered
// with `entries` (defaults: all registered).
function todaysFlow(handed, { bodyKind = 'file', entries } = {}) {
  const register = todaysFlowUpToRegistration(handed, { bodyKind });
  register.end(200, JSON.stringify(entries ?? handed.map(() => ({ uploadJobId: 'J', response: { status: 200, isRetryable: false } }))));
}

// Today's flow for `handed` up to its registration, whose request is returned still open.
function todaysFlowUpToRegistration(handed, { bodyKind = 'file' } = {}) {
  const assets = Object.fromEntries(handed.map((f, i) => [`U${i}`, f.size]));
  const reserve = request('POST', `${API}/createUploadUrl${QUERY}`, json({ zoneName: 'PrimarySync', assets }));
  reserve.end(200, JSON.stringify({ uploadUrls: Object.fromEntries(handed.map((f, i) => [`U${i}`, `${CONTENT}?tk=SECRET&uuid=U${i}&e=1`])) }));
  handed.forEach((f, i) => {
    const body = bodyKind === 'file' ? fileBody(f) : { kind: bodyKind, size: f.size };
    const bytes = request('POST', `${CONTENT}?tk=SECRET&uuid=U${i}&e=1`, body);
    bytes.progress(f.size / 2, f.size);
    bytes.end(200, null);
  });
  return request('POST', `${API}/putAsset${QUERY}`, json({
    zoneName: 'PrimarySync',
    files: handed.map((f) => ({ fileName: f.name, lastModDate: f.lastModified, timeZoneOffset: 0, singleFileUploadRequest: {} })),
  }));
}

describe("today's flow: the registration entry decides", () => {
  test('200 uploaded, 409 already there; bytes stored are progress only', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200]);
    tracker.handed(1, handed);
    todaysFlow(handed, { entries: [
      { uploadJobId: 'J1', response: { status: 200, isRetryable: false } },
      { cplMaster: 'M', response: { status: 409, isRetryable: false, errorMessage: 'duplicate asset' } },
    ] });
    assert.deepEqual(results(), [
      { id: 1, outcome: 'uploaded', status: 200, message: '' },
      { id: 2, outcome: 'already-there', status: 409, message: 'duplicate asset' },
    ]);
    assert.deepEqual(lastProgress(), { 1: [100, 100], 2: [200, 200] });
  });

  test('a refused entry fails with Apple\'s words, retryable or not', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200]);
    tracker.handed(1, handed);
    todaysFlow(handed, { entries: [
      { response: { status: 403, isRetryable: false, errorMessage: 'asset type not allowed' } },
      { response: { status: 503, isRetryable: true, errorMessage: 'try later' } },
    ] });
    assert.deepEqual(results(), [
      { id: 1, outcome: 'refused', status: 403, message: 'asset type not allowed' },
      { id: 2, outcome: 'failed', status: 503, message: 'try later' },
    ]);
  });

  for (const bodyKind of ['file', 'blob', 'array-buffer']) {
    test(`bytes sent as ${bodyKind}: progress reaches the right file, outcomes by name`, () => {
      const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200]);
      tracker.handed(1, handed);
      todaysFlow(handed, { bodyKind });
      assert.deepEqual(results().map((r) => r.outcome), ['uploaded', 'uploaded']);
      assert.deepEqual(lastProgress(), { 1: [100, 100], 2: [200, 200] });
    });
  }

  test('a whole putAsset answered 500 fails its files as retryable', () => {
    const handed = files([1, 'a.jpg', 100]);
    tracker.handed(1, handed);
    request('POST', `${API}/putAsset${QUERY}`, json({ files: [{ fileName: 'a.jpg', lastModDate: MODIFIED }] })).end(500);
    assert.deepEqual(results(), [{ id: 1, outcome: 'failed', status: 500, message: '' }]);
  });

  test('a failed byte POST fails its file when the file is certain, and waits when two sizes tie', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 100], [3, 'c.jpg', 300]);
    tracker.handed(1, handed);
    const assets = { U1: 100, U2: 100, U3: 300 };
    request('POST', `${API}/createUploadUrl${QUERY}`, json({ assets }))
      .end(200, JSON.stringify({ uploadUrls: { U1: `${CONTENT}?uuid=U1`, U2: `${CONTENT}?uuid=U2`, U3: `${CONTENT}?uuid=U3` } }));
    request('POST', `${CONTENT}?uuid=U3`, { kind: 'array-buffer', size: 300 }).end(503);
    request('POST', `${CONTENT}?uuid=U1`, { kind: 'array-buffer', size: 100 }).end(0);
    assert.deepEqual(results(), [{ id: 3, outcome: 'failed', status: 503, message: '' }]);
  });

  test('421 (or 401) anywhere: every file in flight is interrupted by the sign-out, none failed', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200]);
    tracker.handed(1, handed);
    request('POST', `${API}/createUploadUrl${QUERY}`, json({ assets: { U1: 100, U2: 200 } })).end(421);
    assert.deepEqual(results().map((r) => r.outcome), ['signed-out', 'signed-out']);
  });

  test('a registration after the tracker stopped waiting still counts as uploaded', () => {
    const handed = files([1, 'a.jpg', 100]);
    tracker.handed(1, handed);
    const reserve = request('POST', `${API}/createUploadUrl${QUERY}`, json({ assets: { U1: 100 } }));
    reserve.end(200, JSON.stringify({ uploadUrls: { U1: `${CONTENT}?uuid=U1` } }));
    clock += Tracker.QUIET_AFTER_MS + 1;
    tracker.tick();
    request('POST', `${API}/putAsset${QUERY}`, json({ files: [{ fileName: 'a.jpg', lastModDate: MODIFIED }] }))
      .end(200, JSON.stringify([{ uploadJobId: 'J', response: { status: 200 } }]));
    assert.deepEqual(results().map((r) => [r.id, r.outcome]), [[1, 'never-started'], [1, 'uploaded']]);
  });
});

describe('never started counts from the last activity, not the hand-over', () => {
  test('a slow byte upload in flight for minutes never makes a file "never started"', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200]);
    tracker.handed(1, handed);
    request('POST', `${API}/createUploadUrl${QUERY}`, json({ assets: { U1: 100, U2: 200 } }))
      .end(200, JSON.stringify({ uploadUrls: { U1: `${CONTENT}?uuid=U1`, U2: `${CONTENT}?uuid=U2` } }));
    request('POST', `${CONTENT}?uuid=U1`, { kind: 'blob', size: 100 }); // fetch: no progress events
    for (let i = 0; i < 10; i++) {
      clock += 30_000;
      tracker.tick();
    }
    assert.deepEqual(results(), []);
  });

  test('with nothing in flight and no activity for the quiet time, the rest never started', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200]);
    tracker.handed(1, handed);
    todaysFlow([handed[0]]);
    clock += Tracker.QUIET_AFTER_MS - 1;
    tracker.tick();
    assert.deepEqual(results().map((r) => r.outcome), ['uploaded']);
    clock += 2;
    tracker.tick();
    assert.deepEqual(results().map((r) => [r.id, r.outcome]), [[1, 'uploaded'], [2, 'never-started']]);
  });

  test('requests left open by a reloaded app frame no longer count as in flight', () => {
    const handed = files([1, 'a.jpg', 100]);
    tracker.handed(1, handed);
    request('POST', `${API}/createUploadUrl${QUERY}`, json({ assets: { U1: 100 } }))
      .end(200, JSON.stringify({ uploadUrls: { U1: `${CONTENT}?uuid=U1` } }));
    request('POST', `${CONTENT}?uuid=U1`, { kind: 'blob', size: 100 }); // never ends: the frame reloads
    observe({ type: P.FromObserver.READY });
    clock += Tracker.QUIET_AFTER_MS + 1;
    tracker.tick();
    assert.deepEqual(results().map((r) => r.outcome), ['never-started']);
  });

  test('worker traffic is activity: a page that uploads from its own worker is not cut short', () => {
    const handed = files([1, 'a.jpg', 100]);
    tracker.handed(1, handed);
    request('POST', `${API}/createUploadUrl${QUERY}`, json({ assets: { U1: 100 } }))
      .end(200, JSON.stringify({ uploadUrls: { U1: `${CONTENT}?uuid=U1` } }));
    for (let i = 0; i < 6; i++) {
      clock += Tracker.QUIET_AFTER_MS - 1000;
      observe({ type: P.FromObserver.WORKER_TRAFFIC, bytes: 100 });
      tracker.tick();
    }
    assert.deepEqual(results(), []);
    assert.ok(sent.some((m) => m.type === P.FromPage.PAGE_ACTIVITY));
  });
});

describe('a page being left (reload, navigation)', () => {
  function upToRegistration(handed) {
    tracker.handed(1, handed);
    return todaysFlowUpToRegistration(handed);
  }

  test('a registration ended without an answer as the page goes is no failure: the files stay in flight', () => {
    const register = upToRegistration(files([1, 'a.jpg', 100], [2, 'b.jpg', 200]));
    tracker.leaving();
    register.end(0);
    assert.deepEqual(results(), []);
    tracker.gone();
    clock += 10 * Tracker.QUIET_AFTER_MS;
    tracker.tick();
    assert.deepEqual(results(), [], 'nothing is told once the page is gone');
  });

  test('a page still here after the hold was not left: the ending counts after all', () => {
    const register = upToRegistration(files([1, 'a.jpg', 100], [2, 'b.jpg', 200]));
    tracker.leaving();
    register.end(0);
    clock += Tracker.LEAVING_HOLD_MS - 1;
    tracker.tick();
    assert.deepEqual(results(), []);
    clock += 1;
    tracker.tick();
    assert.deepEqual(results().map((r) => [r.id, r.outcome]), [[1, 'failed'], [2, 'failed']]);
  });

  test('an answer that arrives while the page is being left counts at once', () => {
    const register = upToRegistration(files([1, 'a.jpg', 100]));
    tracker.leaving();
    register.end(200, JSON.stringify([{ uploadJobId: 'J', response: { status: 200 } }]));
    assert.deepEqual(results().map((r) => [r.id, r.outcome]), [[1, 'uploaded']]);
  });
});

describe('the withdrawn single-POST flow', () => {
  test('200 uploaded, 409 already there, 503 failed; 410 means the page is out of date', () => {
    const handed = files([1, 'a.jpg', 100], [2, 'b.jpg', 200], [3, 'c.jpg', 300], [4, 'd.jpg', 400]);
    tracker.handed(1, handed);
    const legacy = 'https://p42-uploadimagews.icloud.com/upload?dsid=1';
    [200, 409, 503, 410].forEach((status, i) => request('POST', legacy, fileBody(handed[i])).end(status));
    assert.deepEqual(results().map((r) => [r.id, r.outcome]), [[1, 'uploaded'], [2, 'already-there'], [3, 'failed'], [4, 'outdated']]);
    assert.deepEqual(statuses, ['outdated']);
  });
});

describe('a page that uploads in a way photolift does not know', () => {
  test('no recognised request after the hand-over: page-changed, no file failed, diagnostics leak nothing', () => {
    const handed = files([1, 'a.jpg', 100]);
    tracker.handed(1, handed);
    request('POST', 'https://p42-photosupload.icloud.com/photosupload/v3/importAssets?token=SECRET&dsid=1234567890',
      { kind: 'form-data', size: 100, name: 'a.jpg', lastModified: MODIFIED }).end(200);
    clock += Tracker.UNRECOGNISED_AFTER_MS - 1;
    tracker.tick();
    assert.equal(sent.filter((m) => m.type === P.FromPage.PAGE_CHANGED).length, 0);
    assert.ok(sent.some((m) => m.type === P.FromPage.PAGE_ACTIVITY), 'while it judges, the panel times nothing out');
    clock += 2;
    tracker.tick();
    const changed = sent.filter((m) => m.type === P.FromPage.PAGE_CHANGED);
    assert.equal(changed.length, 1);
    assert.deepEqual(results(), [], 'nothing failed, nothing uploaded');
    const report = JSON.stringify(changed[0].diagnostics);
    assert.match(report, /photosupload\/v3\/importAssets/);
    assert.doesNotMatch(report, /SECRET|token|dsid|1234567890|\?/);
    clock += 10 * Tracker.QUIET_AFTER_MS;
    tracker.tick();
    assert.deepEqual(results(), [], 'still nothing after the page changed');
  });

  test('an answer of an unknown shape is not guessed at', () => {
    const handed = files([1, 'a.jpg', 100]);
    tracker.handed(1, handed);
    request('POST', `${API}/putAsset${QUERY}`, json({ files: [{ fileName: 'a.jpg', lastModDate: MODIFIED }] }))
      .end(200, JSON.stringify({ results: { 'a.jpg': 'ok' } }));
    assert.deepEqual(results(), []);
    assert.equal(sent.filter((m) => m.type === P.FromPage.PAGE_CHANGED).length, 1);
  });
});

describe('the site adapter', () => {
  test('a request in a report keeps host and path, never the query or id-like segments', () => {
    const described = site.describeForReport(
      'https://cvws.icloud-content.com/B/AbCdEf0123456789xyzAbCdEf0123/singleFileUpload?tk=SECRET&uuid=U1');
    assert.equal(described.host, 'cvws.icloud-content.com');
    assert.equal(described.path, '/B/…/singleFileUpload');
  });
});
