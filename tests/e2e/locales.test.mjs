// The panel speaks the browser's UI language: Chromium is started in German and in Simplified
// Chinese (on Linux its UI language comes from LANGUAGE/LANG, and only for a language whose .pak
// Debian's chromium-l10n installs), and the panel, with files in every state a user meets —
// uploaded (converted, and a JPEG sent unchanged), skipped (uploaded before, the same photo twice
// in one drop, a sidecar), failed (a damaged HEIC, an upload iCloud would not take) — shows no
// English word of `_locales/en` (the product's and formats' names aside), marks its document with
// the language, and writes dates and numbers the language's way.
// Run: node --test tests/e2e/locales.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PHOTOS_URL, startStandin } from '../standin/server.mjs';
import { allRows, configurePanel, extensionWorker, TEST_SETTINGS } from './bulk-fixtures.mjs';
import { BROWSER, CORPUS, EXTENSION_DIR, ROOT, magick, readBytes, sha256 } from './fixtures.mjs';
import { appFrame, launch } from './harness.mjs';
import { panelFrame, settled, waitForSummary } from './panel.mjs';

const english = JSON.parse(readFileSync(join(ROOT, 'extension', '_locales', 'en', 'messages.json'), 'utf8'));

// Names, not English: the product, Apple's, the formats', units and symbols that every one of
// these languages writes the same way.
const PROPER = new Set(['photolift', 'icloud', 'apple', 'iphone', 'ios', 'heic', 'heif', 'jpeg', 'jpegs', 'jpg',
  'png', 'webp', 'gif', 'bmp', 'tiff', 'avif', 'csv', 'json', 'mb', 'mov', 'mp', 'aae', 'com', 's']);

// Words of English that are also ordinary words of the language (checked one by one: German
// writes "in", "an" and "was", "App", "Video", "Computer", "Browser" and "Min." as English does;
// Apple's Chinese writes "Cookie").
const SAME_WORD = {
  de: new Set(['in', 'an', 'was', 'app', 'video', 'computer', 'browser', 'min', 'name', 'tab', 'text',
    'minute', 'version', 'original', 'audio', 'web', 'account', 'videos', 'rest', 'so', 'details', 'format']),
  'zh-CN': new Set(['cookie']),
};

/** Every English word (lower case, two letters or more) of `_locales/en`, placeholders left out. */
function englishWords() {
  const words = new Set();
  for (const { message } of Object.values(english)) {
    for (const word of message.replace(/\$[A-Za-z0-9_]+\$/g, ' ').match(/[A-Za-z]{2,}/g) ?? []) words.add(word.toLowerCase());
  }
  return words;
}

/** Everything the panel's document says: its text (hidden parts too), titles, labels, its tab title. */
async function everythingSaid(panel) {
  return panel.evaluate(() => {
    // Each text node apart: textContent would glue neighbours into one "word".
    const said = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) said.push(walker.currentNode.data);
    for (const el of document.querySelectorAll('*')) {
      for (const attr of ['title', 'aria-label', 'placeholder', 'alt', 'aria-valuetext', 'aria-description']) {
        if (el.hasAttribute(attr)) said.push(el.getAttribute(attr));
      }
    }
    return said.join('\n');
  });
}

const cases = [
  {
    language: 'de',
    // What the sentences of these states say in German (the words a German user reads).
    expect: {
      'known.jpg': /^bereits am 20\.11\.2026 über photolift in iCloud-Fotos geladen$/,
      // One of the two copies goes up, the other is skipped as the same photo.
      'photo.png': /^(Umgewandelt aus PNG|dasselbe Foto wie again\.png in dieser Auswahl)$/,
      'again.png': /^(Umgewandelt aus PNG|dasselbe Foto wie photo\.png in dieser Auswahl)$/,
      'camera.jpg': /^Bereits JPEG: unverändert gesendet$/,
      'IMG_0001.AAE': /^weder Foto noch Video \(AAE-Datei\)$/,
      'damaged.heic': /^Diese HEIC-Datei ist beschädigt oder unvollständig\./,
      // Apple's own words (the stand-in's "injected 500") stay as Apple wrote them.
      'refused.jpg': /^Das Hochladen wurde nicht abgeschlossen: iCloud meldete „[^“]+“ \(500\) \(1 Versuch\)\. Du kannst/,
    },
  },
  {
    language: 'zh-CN',
    expect: {
      'known.jpg': /^已于 2026年11月20日 通过 photolift 上传到 iCloud 照片$/,
      'photo.png': /^(由 PNG 转换|与本次添加的 again\.png 是同一张照片)$/,
      'again.png': /^(由 PNG 转换|与本次添加的 photo\.png 是同一张照片)$/,
      'camera.jpg': /^已是 JPEG：原样发送$/,
      'IMG_0001.AAE': /^不是照片或视频（AAE 文件）$/,
      'damaged.heic': /^此 HEIC 文件已损坏或不完整。/,
      'refused.jpg': /^上传未完成：iCloud 返回“[^”]+”（500）（尝试 1 次）。你可以稍后重试。$/,
    },
  },
];

describe('the panel in the browser\'s UI language', { skip: BROWSER !== 'chromium' && 'Chromium only: Firefox takes its UI language from language packs' }, () => {
  let standin;
  before(async () => { standin = await startStandin(); });
  after(async () => { await standin?.close(); });

  for (const { language, expect } of cases) {
    it(`${language}: every row, button and label in ${language}, dates and numbers its way`, { timeout: 120_000 }, async () => {
      standin.reset();
      const dir = mkdtempSync(join(tmpdir(), 'photolift-locales-'));
      const browser = await launch({ extensionDir: EXTENSION_DIR, standin, uiLanguage: language });
      try {
        // Files in every state: converted and sent unchanged (uploaded), known from before, the
        // same photo twice, a sidecar (skipped), a damaged HEIC and one iCloud fails (failed).
        const file = (name) => join(dir, name);
        magick(['-size', '320x200', 'gradient:orange-purple', file('photo.png')]);
        copyFileSync(file('photo.png'), file('again.png'));
        magick(['-size', '320x240', 'plasma:fractal', '-seed', '3', '-quality', '85', file('camera.jpg')]);
        magick(['-size', '320x240', 'plasma:fractal', '-seed', '4', '-quality', '85', file('known.jpg')]);
        magick(['-size', '320x240', 'plasma:fractal', '-seed', '5', '-quality', '85', file('refused.jpg')]);
        writeFileSync(file('IMG_0001.AAE'), '<?xml version="1.0"?><plist version="1.0"><dict/></plist>\n');
        copyFileSync(join(CORPUS, 'malformed', 'github_15.heic'), file('damaged.heic'));
        const names = ['photo.png', 'again.png', 'camera.jpg', 'known.jpg', 'refused.jpg', 'IMG_0001.AAE', 'damaged.heic'];

        await configurePanel(browser.context, { ...TEST_SETTINGS, maxAttempts: 1 });
        const worker = await extensionWorker(browser.context);
        // An upload memory that knows known.jpg from 2026-11-20 (the layout every version reads).
        await worker.evaluate((key) => chrome.storage.local.set({ [`photolift.up.${key}`]: '2026-11-20' }), sha256(readBytes(file('known.jpg'))));
        standin.setFaults({ putAssetEntry: { status: 500, isRetryable: true, names: ['refused.jpg'] } });

        const page = await browser.context.newPage();
        await page.goto(PHOTOS_URL);
        await appFrame(page);
        const panel = await panelFrame(page);
        assert.equal(await panel.evaluate(() => document.documentElement.lang), language, '<html lang> is the UI language');
        await panel.locator('input[data-testid=photolift-files]').setInputFiles(names.map(file));
        const done = await waitForSummary(panel, settled(names.length), 90_000);
        assert.deepEqual({ uploaded: done.uploaded, skipped: done.skipped, failed: done.failed }, { uploaded: 2, skipped: 3, failed: 2 });

        const rows = Object.fromEntries((await allRows(panel)).map((r) => [r.name, r]));
        const mismatched = Object.entries(expect)
          .filter(([name, pattern]) => !pattern.test(rows[name]?.message ?? ''))
          .map(([name]) => `${name}: ${rows[name]?.state} “${rows[name]?.message}”`);
        assert.deepEqual(mismatched, [], `rows not in ${language}:\n${mismatched.join('\n')}`);
        assert.notEqual(rows['photo.png'].state, rows['again.png'].state, 'one copy uploaded, one skipped');

        // Every row has been on screen (allRows scrolls the list); now read everything the
        // document says, with the file names taken out.
        let said = [await everythingSaid(panel), ...Object.values(rows).map((r) => r.message)].join('\n');
        for (const name of [...names, ...names.map((n) => n.replace(/\.[^.]+$/, '.jpg'))]) said = said.split(name).join(' ');
        const allowed = SAME_WORD[language];
        const englishLeft = [...new Set((said.match(/[A-Za-z]{2,}/g) ?? []).map((w) => w.toLowerCase()))]
          .filter((w) => englishWords().has(w) && !PROPER.has(w) && !allowed.has(w));
        assert.deepEqual(englishLeft, [], `English words in the ${language} panel: ${englishLeft.join(', ')}\n---\n${said}`);
        await page.close();
      } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
