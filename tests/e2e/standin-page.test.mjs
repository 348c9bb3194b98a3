// Tests of the stand-in's PAGE (shell + Photos app UI) as users meet it: five languages, Apple's
// sign-in frame, arriving from the iCloud home page, the app frame navigated after creation, the
// Albums/Memories views without Upload, and toolbar buttons known only by their labels. No
// extension. The upload protocol is not under test here: uploader.js is replaced by a stub that
// drives the page's side of the interface (rows, toast, cancel, done).
// Run: node --test tests/e2e/standin-page.test.mjs
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { stringsFor } from '../standin/locales.mjs';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { appFrame, launch } from './harness.mjs';

const HOME_URL = 'https://www.icloud.com/';
const AUTH_FRAME = 'iframe#aid-auth-widget-iFrame';
const appPath = (locale) => `/applications/photos3/current/${locale}/index.html`;

// The words a user (and the extension) meets, per locale.
const LABELS = {
  'en-us': { upload: 'Upload', cancel: 'Cancel upload', download: 'Download', signIn: 'Sign In', library: 'Library', albums: 'Albums', memories: 'Memories', continue: 'Continue' },
  'zh-cn': { upload: '上传', cancel: '取消上传', download: '下载', signIn: '登录', library: '图库', albums: '相簿', memories: '回忆', continue: '继续' },
  'de-de': { upload: 'Hochladen', cancel: 'Upload abbrechen', download: 'Herunterladen', signIn: 'Anmelden', library: 'Mediathek', albums: 'Alben', memories: 'Rückblicke', continue: 'Weiter' },
  'fr-fr': { upload: 'Télécharger vers iCloud', cancel: 'Annuler le téléchargement', download: 'Télécharger', signIn: 'Se connecter', library: 'Photothèque', albums: 'Albums', memories: 'Souvenirs', continue: 'Continuer' },
  'ja-jp': { upload: 'アップロード', cancel: 'アップロードをキャンセル', download: 'ダウンロード', signIn: 'サインイン', library: 'ライブラリ', albums: 'アルバム', memories: 'メモリー', continue: '続ける' },
};

// Stands in for uploader.js: every selection shows its rows and waits; finish() or Cancel ends it.
const STUB_UPLOADER = `
self.StandinUploader = {
  selections: [],
  upload(files, ui) {
    const rows = files.map((file) => ui.addRow(file));
    self.StandinUploader.selections.push(files.map((file) => file.name));
    return new Promise((resolve) => {
      const end = (state) => {
        for (const row of rows) ui.setRow(row, state, ui.text(state), 1);
        ui.done();
        resolve();
      };
      self.StandinUploader.finish = () => end('uploaded');
      self.StandinUploader.cancel = () => end('failed');
    });
  },
  cancel() {},
};`;

let standin;
let browser;

before(async () => {
  standin = await startStandin();
  browser = await launch({ standin });
  browser.context.setDefaultTimeout(8000); // every step here takes well under a second
  await browser.context.route('https://www.icloud.com/applications/photos3/current/*/uploader.js',
    (route) => route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: STUB_UPLOADER }));
});

after(async () => {
  await browser?.close();
  await standin?.close();
});

beforeEach(() => standin.reset());

// Every test's tabs are closed after it.
const openPages = [];
afterEach(async () => {
  await Promise.all(openPages.splice(0).map((page) => page.close()));
});

async function open(url) {
  const page = await browser.context.newPage();
  openPages.push(page);
  await page.goto(url);
  return page;
}

// Files given to the page as the extension gives them: a click from script on the button mounts the
// input, then DataTransfer files and a change event.
function pickSynthetically(app, uploadLabel, files) {
  return app.evaluate(({ label, files }) => {
    const button = [...document.querySelectorAll('[role=button]')].find((el) => el.getAttribute('aria-label') === label);
    button.click();
    const input = document.querySelector('input[type=file]');
    const transfer = new DataTransfer();
    for (const { name, type } of files) transfer.items.add(new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], name, { type }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, { label: uploadLabel, files });
}

// A flag in a window that only survives if that document was never replaced.
const markDocument = (target) => target.evaluate(() => { window.__sameDocument = true; });
const sameDocument = (target) => target.evaluate(() => window.__sameDocument === true);

for (const [locale, L] of Object.entries(LABELS)) {
  describe(`the page in ${locale}`, () => {
    beforeEach(() => standin.setVariant({ locale }));

    test('the shell frames the app at the locale path; Upload is found by its label and is neither Cancel nor Download', async () => {
      const page = await open(PHOTOS_URL);
      const app = await appFrame(page);
      assert.equal(new URL(app.url()).pathname, appPath(locale));
      assert.equal(await page.locator('iframe.child-application').getAttribute('src'), `${appPath(locale)}?rootDomain=www`);
      assert.equal(await page.locator('html').getAttribute('lang'), locale);
      assert.equal(await app.locator('html').getAttribute('lang'), locale);

      const upload = app.getByRole('button', { name: L.upload, exact: true });
      assert.equal(await upload.count(), 1);
      assert.equal(await upload.getAttribute('title'), L.upload);
      assert.match(await upload.getAttribute('class'), /\bUploadButton\b/);
      const cancel = app.getByRole('button', { name: L.cancel, exact: true, includeHidden: true });
      assert.equal(await cancel.count(), 1);
      assert.equal(await cancel.isVisible(), false, 'Cancel upload shows only while uploading');
      assert.doesNotMatch(await cancel.getAttribute('class'), /UploadButton/);
      const download = app.getByRole('button', { name: L.download, exact: true });
      assert.equal(await download.getAttribute('aria-disabled'), 'true', 'nothing is selected');
      assert.doesNotMatch(await download.getAttribute('class'), /UploadButton/);
      assert.equal(await app.locator('nav[role=navigation] [aria-current=page]').innerText(), L.library);
      assert.equal(await app.locator('[role=grid]').count(), 1);
      assert.equal(await app.locator('input[type=file]').count(), 0, 'the input is only mounted by a click');
    });

    test('an upload shows localised rows, a toast naming no file, and Cancel upload while it runs', async () => {
      const app = await appFrame(await open(PHOTOS_URL));
      const text = stringsFor(locale).app;
      await pickSynthetically(app, L.upload, [{ name: 'screen.png', type: 'image/png' }, { name: 'IMG_1.jpg', type: 'image/jpeg' }]);
      assert.equal(await app.locator('input[type=file]').count(), 0, 'the input is removed after its change');
      assert.deepEqual(await app.evaluate(() => self.StandinUploader.selections), [['IMG_1.jpg']]);
      const toast = app.locator('[role=alert].Toast.ErrorToast');
      assert.equal(await toast.innerText(), text.toastOne);
      const cancel = app.getByRole('button', { name: L.cancel, exact: true });
      await cancel.click();
      await app.locator('.UploadProgressItem[data-filename="IMG_1.jpg"]').getByText(text.failed).waitFor();
      await cancel.waitFor({ state: 'hidden' });
      assert.equal(await app.locator('.UploadProgressTitle').innerText(), text.complete);
    });

    test('signed out: only a Sign In button until it is clicked; then Apple\'s frame signs in and the app comes in place', async () => {
      standin.signOut();
      const page = await open(PHOTOS_URL);
      const signIn = page.getByRole('button', { name: L.signIn, exact: true });
      await signIn.waitFor();
      assert.equal(await page.locator('main.SignInView h1').innerText(), stringsFor(locale).shell.signInHeading);
      assert.equal(await page.locator('iframe').count(), 0, 'no auth frame (and no app) before the click');
      await markDocument(page);

      await signIn.click();
      const frame = page.locator(AUTH_FRAME);
      await frame.waitFor();
      assert.match(await frame.getAttribute('src'), /^https:\/\/idmsa\.apple\.com\/appleauth\/auth\/authorize\/signin\?/);
      assert.equal(standin.state.signedIn, false, 'clicking Sign In alone signs nobody in');
      const auth = page.frameLocator(AUTH_FRAME);
      assert.equal(await auth.locator('html').getAttribute('lang'), locale);
      await auth.getByRole('button', { name: L.continue, exact: true }).click();

      const app = await appFrame(page);
      assert.equal(new URL(app.url()).pathname, appPath(locale));
      assert.equal(standin.state.signedIn, true);
      assert.equal(await sameDocument(page), true, 'signed in without a reload');
      assert.equal(await page.locator(`${AUTH_FRAME}, [class*="SignIn"]`).count(), 0, 'no sign-in markers left');
      assert.equal(await page.locator('.AccountButton').innerText(), stringsFor(locale).shell.signOut);
    });

    test('web access off: the explanation, in this language, and no app', async () => {
      standin.setWebAccess(false);
      for (const url of [PHOTOS_URL, HOME_URL]) {
        const page = await open(url);
        assert.equal(await page.locator('main.DataAccessView h1').innerText(), stringsFor(locale).dataAccess.heading);
        assert.equal(await page.locator('html').getAttribute('lang'), locale);
        assert.equal(await page.locator('iframe').count(), 0);
      }
    });
  });
}

describe('sign-in', () => {
  beforeEach(() => standin.setVariant({ locale: 'de-de' }));

  test('a session expired while the app is open (421) swaps in the sign-in view in place; Apple\'s frame brings a fresh app back', async () => {
    const page = await open(PHOTOS_URL);
    const app = await appFrame(page);
    await markDocument(page);
    standin.signOut({ status: 421 }); // the library poll (every 2 s) notices
    const signIn = page.locator('main.SignInView').getByRole('button', { name: 'Anmelden', exact: true });
    await signIn.waitFor();
    assert.equal(app.isDetached(), true);
    assert.equal(await page.locator('iframe').count(), 0, 'no app, no auth frame until Sign In is clicked');
    assert.equal(await page.locator('.AccountButton').isVisible(), false);
    await signIn.click();
    await page.frameLocator(AUTH_FRAME).getByRole('button', { name: 'Weiter', exact: true }).click();
    const fresh = await appFrame(page);
    assert.notEqual(fresh, app);
    assert.equal(standin.state.signedIn, true);
    assert.equal(await sameDocument(page), true);
    assert.equal(page.url(), PHOTOS_URL);
    assert.equal(await page.locator('.AccountButton').isVisible(), true);
  });

  test('signed in through the control side instead, a reload shows the app', async () => {
    standin.signOut();
    const page = await open(PHOTOS_URL);
    await page.locator('main.SignInView button.SignInButton').waitFor();
    standin.signIn();
    await page.reload();
    await appFrame(page);
  });

  test('Apple\'s frame answers only iCloud and sends a strict CSP that lets only iCloud frame it', async () => {
    const ok = await get('idmsa.apple.com', '/appleauth/auth/authorize/signin?language=en_US&iframeId=x&redirect_uri=https%3A%2F%2Fwww.icloud.com');
    assert.equal(ok.status, 200);
    assert.match(ok.headers['content-security-policy'], /script-src 'self'/);
    assert.match(ok.headers['content-security-policy'], /frame-ancestors https:\/\/www\.icloud\.com/);
    const foreign = await get('idmsa.apple.com', '/appleauth/auth/authorize/signin?redirect_uri=https%3A%2F%2Fevil.example');
    assert.equal(foreign.status, 400);
  });
});

describe('arriving from the iCloud home page', () => {
  test('the Photos tile opens Photos by pushState in the same document; Back returns home in place', async () => {
    const page = await open(HOME_URL);
    const tile = page.locator('nav.AppLauncher').getByRole('link', { name: 'Photos', exact: true });
    await tile.waitFor();
    assert.equal(await page.locator('nav.AppLauncher a').count(), 6);
    assert.equal(await page.locator('iframe').count(), 0);
    await markDocument(page);

    await tile.click();
    await page.waitForURL(PHOTOS_URL);
    const app = await appFrame(page);
    assert.equal(new URL(app.url()).pathname, appPath('en-us'));
    assert.equal(await sameDocument(page), true, 'no reload');
    assert.equal(await page.title(), 'iCloud Photos');

    await page.goBack();
    await page.waitForURL(HOME_URL);
    await tile.waitFor();
    assert.equal(await page.locator('iframe').count(), 0);
    assert.equal(await sameDocument(page), true, 'Back stays in the document');

    await page.goForward();
    await appFrame(page);
    assert.equal(await sameDocument(page), true);
  });

  test('signed out at the home page, signing in shows the launcher in place (localised)', async () => {
    standin.setVariant({ locale: 'ja-jp' });
    standin.signOut();
    const page = await open(HOME_URL);
    await markDocument(page);
    await page.getByRole('button', { name: 'サインイン', exact: true }).click();
    await page.frameLocator(AUTH_FRAME).getByRole('button', { name: '続ける', exact: true }).click();
    await page.locator('nav.AppLauncher').getByRole('link', { name: '写真', exact: true }).waitFor();
    assert.equal(await sameDocument(page), true);
    assert.equal(page.url(), HOME_URL);
  });

  test('a direct load of /photos/ still shows the app', async () => {
    const page = await open(PHOTOS_URL);
    await appFrame(page);
    assert.equal(await page.locator('nav.AppLauncher').count(), 0);
  });
});

describe('variants', () => {
  test('appFrame navigate: the frame is created blank and navigated later, its src never names the app', async () => {
    standin.setVariant({ appFrame: 'navigate' });
    const page = await open(PHOTOS_URL);
    const frame = page.locator('iframe.child-application');
    await frame.waitFor({ state: 'attached' });
    assert.equal(await frame.getAttribute('src'), null);
    const app = await appFrame(page);
    assert.equal(new URL(app.url()).pathname, appPath('en-us'));
    assert.equal(await frame.getAttribute('src'), null);
  });

  for (const [startView, locale] of [['albums', 'en-us'], ['memories', 'fr-fr']]) {
    test(`startView ${startView} (${locale}): no Upload there; the Library item brings it, in the same app document`, async () => {
      const L = LABELS[locale];
      standin.setVariant({ startView, locale });
      const app = await appFrame(await open(PHOTOS_URL));
      const nav = app.getByRole('navigation');
      assert.equal(await nav.locator('[aria-current=page]').innerText(), L[startView]);
      assert.equal(await app.locator('.Toolbar h1').innerText(), L[startView]);
      const upload = app.getByRole('button', { name: L.upload, exact: true, includeHidden: true });
      assert.equal(await upload.count(), 0);
      assert.equal(await app.locator('ui-button[class*="Upload"], input[type=file], [role=grid]').count(), 0);
      await markDocument(app);

      await nav.getByRole('button', { name: L.library, exact: true }).click();
      await upload.waitFor();
      assert.equal(await nav.locator('[aria-current=page]').innerText(), L.library);
      assert.equal(await app.locator('[role=grid]').count(), 1);
      assert.equal(await sameDocument(app), true, 'switched in the app, no reload');
    });
  }

  test('buttonClasses false (fr-fr): toolbar buttons are known only by role and labels', async () => {
    standin.setVariant({ buttonClasses: false, locale: 'fr-fr' });
    const app = await appFrame(await open(PHOTOS_URL));
    const named = await app.evaluate(() => [...document.querySelectorAll('[role=toolbar], [role=toolbar] *')]
      .map((el) => el.getAttribute('class') || '').filter((c) => /upload|cancel|download/i.test(c)));
    assert.deepEqual(named, []);
    const upload = app.getByRole('button', { name: 'Télécharger vers iCloud', exact: true });
    assert.equal(await upload.getAttribute('title'), 'Télécharger vers iCloud');
    const download = app.getByRole('button', { name: 'Télécharger', exact: true });
    assert.equal(await download.getAttribute('aria-disabled'), 'true');
    // A synthetic click (isTrusted false) on Upload mounts the input.
    await upload.evaluate((el) => el.click());
    await app.locator('input[type=file][multiple]').waitFor({ state: 'attached' });
  });
});

describe('the Library view', () => {
  test('dropping files on it uploads the accepted ones; the Albums view takes no drop', async () => {
    const app = await appFrame(await open(PHOTOS_URL));
    const drop = () => app.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], 'dropped.jpg', { type: 'image/jpeg' }));
      transfer.items.add(new File([new Uint8Array([1])], 'notes.txt', { type: 'text/plain' }));
      document.querySelector('ui-main-pane').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await drop();
    await app.locator('.UploadProgressItem[data-filename="dropped.jpg"]').waitFor();
    assert.equal(await app.locator('[role=alert].ErrorToast').innerText(), 'There was a problem uploading 1 item');
    await app.evaluate(() => self.StandinUploader.finish());
    await app.locator('.UploadProgressItem[data-filename="dropped.jpg"]').getByText('Uploaded').waitFor();

    await app.getByRole('navigation').getByRole('button', { name: 'Albums', exact: true }).click();
    await drop();
    assert.deepEqual(await app.evaluate(() => self.StandinUploader.selections), [['dropped.jpg']]);
  });

  test('several refused files make one toast with their count', async () => {
    const app = await appFrame(await open(PHOTOS_URL));
    await pickSynthetically(app, 'Upload', [{ name: 'a.png', type: 'image/png' }, { name: 'b.heic', type: 'image/heic' }]);
    assert.equal(await app.locator('[role=alert].ErrorToast').innerText(), 'There was a problem uploading 2 items');
    assert.deepEqual(await app.evaluate(() => self.StandinUploader.selections), []);
  });
});

describe('every page', () => {
  test('is served under a strict CSP and carries no inline script', async () => {
    const shellPages = [['www.icloud.com', '/'], ['www.icloud.com', '/photos/']];
    const otherPages = [
      ...Object.keys(LABELS).map((locale) => ['www.icloud.com', appPath(locale)]),
      ['idmsa.apple.com', '/appleauth/auth/authorize/signin?redirect_uri=https%3A%2F%2Fwww.icloud.com'],
    ];
    const sessions = [
      ['signed in', () => {}, [...shellPages, ...otherPages]],
      ['signed out', () => standin.signOut(), shellPages],
      ['web access off', () => standin.setWebAccess(false), shellPages],
    ];
    for (const [session, prepare, pages] of sessions) {
      standin.reset();
      prepare();
      for (const [host, path] of pages) {
        const where = `${session}: ${host}${path}`;
        const { status, headers, body } = await get(host, path);
        assert.equal(status, 200, where);
        assert.match(headers['content-security-policy'], /script-src 'self'(;|$)/, where);
        for (const tag of body.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc=|type="application\/json"/, `${where}: ${tag}`);
      }
    }
  });
});

// A GET to the stand-in as `host`, from Node.
function get(host, path) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, standin.url), { headers: { Host: host }, ca: standin.cert, servername: 'localhost' }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
