// Only photolift talks to photolift (issue 13): the attacks a script of the iCloud page could make
// on the panel's channel, each answered by nothing. A page script offering the panel its own port,
// another iCloud page framing panel.html after an interrupted upload, and forged upload reports
// from the top frame: in each case the attacker gets no bytes, nothing is resumed or counted by
// the attacker's word, and the server's count and the panel's counts agree.
// Run: node --test tests/e2e/channel-attacks.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PHOTOS_URL } from '../standin/server.mjs';
import { PHOTOSUPLOAD_HOST } from '../standin/photosupload-service.mjs';
import { setFaults } from '../standin/state.mjs';
import { TEST_SETTINGS, assertServerHolds, configurePanel, makeMixedFolder, waitUntil } from './bulk-fixtures.mjs';
import { EXTENSION_DIR } from './fixtures.mjs';
import { appFrame, useFreshBrowserPerTest } from './harness.mjs';
import { dropOnPanel, panelFrame, settled, summary, waitForSummary } from './panel.mjs';

// In the page's own realm: a port of the attacker's offered to `target` as photolift's `connect`,
// answering every batch "handed" and every file "uploaded", and keeping count of the bytes it got.
function attackerPort(target) {
  const channel = new MessageChannel();
  window.__attack ??= { messages: 0, batches: 0, bytes: 0 };
  const got = window.__attack;
  channel.port1.onmessage = ({ data }) => {
    got.messages += 1;
    if (data?.type !== 'upload-batch') return;
    got.batches += 1;
    for (const buffer of data.buffers ?? []) got.bytes += buffer.byteLength;
    channel.port1.postMessage({ photolift: 'page', type: 'batch-handed', batch: data.batch });
    for (const file of data.files) {
      channel.port1.postMessage({ photolift: 'page', type: 'file-result', id: file.id, outcome: 'uploaded', status: 200, message: '' });
    }
  };
  // The page looks ready to take uploads, as far as the port's holder says.
  channel.port1.postMessage({ photolift: 'page', type: 'page-status', status: 'ready' });
  // With and without a guessed secret: neither may be accepted.
  target.postMessage({ photolift: 'page', type: 'connect', secret: '0'.repeat(32) }, '*', [channel.port2]);
  const second = new MessageChannel();
  second.port1.onmessage = channel.port1.onmessage;
  second.port1.postMessage({ photolift: 'page', type: 'page-status', status: 'ready' });
  target.postMessage({ photolift: 'page', type: 'connect' }, '*', [second.port2]);
}

describe('only photolift talks to photolift', () => {
  const env = useFreshBrowserPerTest(EXTENSION_DIR, {
    prefix: 'photolift-attack-', prepare: (context) => configurePanel(context, TEST_SETTINGS),
  });

  it("a page script sending connect gets nothing and changes nothing", { timeout: 90_000 }, async () => {
    const folder = makeMixedFolder(join(env.fixtures.dir, 'Offered'), 6, { prefix: 'PORT_' });
    const { page, panel } = await env.openPanel();
    await page.evaluate(`(${attackerPort})(document.getElementById('photolift-panel').contentWindow)`);
    await page.waitForTimeout(500);
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.files.map((f) => f.path));
    const done = await waitForSummary(panel, settled(folder.files.length), 60_000);
    const got = await page.evaluate(() => window.__attack);
    assert.deepEqual(got, { messages: 0, batches: 0, bytes: 0 }, 'the page script got nothing');
    assert.equal(done.uploaded, folder.uploadedNames.length);
    assertServerHolds(env.standin, { names: folder.uploadedNames });
  });

  it('another iCloud page framing panel.html after an interrupted upload gets no bytes and resumes nothing', { timeout: 150_000 }, async () => {
    const folder = makeMixedFolder(join(env.fixtures.dir, 'Kept'), 80, { prefix: 'KEPT_' });
    const first = await env.openPanel();
    const panelUrl = await first.page.evaluate(() => document.getElementById('photolift-panel').src);
    await dropOnPanel(first.page, first.panel, [folder.root]);
    await waitUntil(() => env.standin.state.received.length >= 10, { timeout: 60_000, interval: 25, what: '10 received' });
    await first.page.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const atClose = env.standin.state.received.length;
    assert.ok(atClose < 80, 'the tab closed in the middle');

    // The iCloud home page (no panel of ours there) frames the panel at the URL the page saw, and
    // at the extension's fixed URL, and offers each frame a port of its own when it says it is ready.
    const other = await env.browser.context.newPage();
    await other.goto(new URL('/', PHOTOS_URL).href);
    const fixedUrl = `chrome-extension://${env.browser.extensionId}/panel.html`;
    await other.evaluate(`window.__offer = ${attackerPort}`);
    await other.evaluate((urls) => {
      window.__attack = { messages: 0, batches: 0, bytes: 0 };
      window.addEventListener('message', (event) => {
        if (event.data?.type === 'panel-ready') window.__offer(event.source);
      });
      for (const url of urls) {
        const frame = document.createElement('iframe');
        frame.src = url;
        frame.className = 'framed-panel';
        document.body.appendChild(frame);
      }
    }, [panelUrl, fixedUrl]);
    await other.waitForTimeout(8000);
    const got = await other.evaluate(() => window.__attack);
    assert.equal(got.bytes, 0, 'the framing page got no bytes');
    assert.equal(got.batches, 0);
    assert.equal(env.standin.state.received.length, atClose, 'nothing was resumed by the framed panels');
    for (const frame of other.frames().filter((f) => f !== other.mainFrame())) {
      assert.equal(await frame.locator('[data-testid=photolift-summary]').count().catch(() => 0), 0, `${frame.url()} shows nothing`);
    }
    await other.close();

    // The real panel still resumes the interrupted upload, and the counts agree.
    const page = await env.browser.context.newPage();
    await page.goto(PHOTOS_URL);
    await appFrame(page);
    const resumed = await panelFrame(page);
    const done = await waitForSummary(resumed, settled(80), 120_000);
    assert.equal(done.uploaded, 80);
    assertServerHolds(env.standin, { names: folder.uploadedNames });
  });

  it('a forged upload end from the top frame changes nothing', { timeout: 90_000 }, async () => {
    const folder = makeMixedFolder(join(env.fixtures.dir, 'Forged'), 3, { prefix: 'FORGED_', heicShare: 0, pngShare: 0 });
    const modified = new Date('2022-02-02T12:00:00Z');
    for (const file of folder.files) utimesSync(file.path, modified, modified);
    // The server holds every upload back: only a forged report could mark a file uploaded.
    setFaults(env.standin.state, { stallMs: 'forever' });
    const { page, panel } = await env.openPanel();
    await panel.locator('input[data-testid=photolift-files]').setInputFiles(folder.files.map((f) => f.path));
    await waitForSummary(panel, (s) => s.total === 3, 20_000);
    await page.evaluate(({ host, names, lastModified }) => {
      const files = names.map((fileName) => ({ fileName, lastModDate: lastModified }));
      const answer = JSON.stringify(names.map(() => ({ response: { status: 200 } })));
      let request = 1000;
      const forge = () => {
        request += 1;
        const url = `https://${host}/photosupload/putAsset`;
        const msg = (type, fields) => window.postMessage({ photolift: 'observer', type, ...fields }, location.origin);
        msg('request-started', { request, method: 'POST', url, body: { kind: 'text', size: 1, text: JSON.stringify({ files }) } });
        msg('request-ended', { request, status: 200, text: answer });
        for (const frame of document.querySelectorAll('iframe')) {
          try { frame.contentWindow.postMessage({ photolift: 'observer', type: 'request-ended', request, status: 200, text: answer }, location.origin); } catch { /* other origin */ }
        }
      };
      window.__forging = setInterval(forge, 100);
    }, { host: PHOTOSUPLOAD_HOST, names: folder.uploadedNames, lastModified: modified.getTime() });
    await page.waitForTimeout(4000);
    const now = await summary(panel);
    assert.equal(now.uploaded, 0, 'no file counts as uploaded on a forged report');
    assert.equal(env.standin.state.received.length, 0);
    await page.evaluate(() => clearInterval(window.__forging));
  });
});
