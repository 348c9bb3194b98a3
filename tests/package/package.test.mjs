// The store packages (./build.sh package, tools/package.mjs) as the stores read them: each zip's
// manifest, its description in every locale (the Chrome Web Store refuses more than 132
// characters), every file the manifest and its pages name present, nothing but shipped code and
// assets, icons at their declared sizes (the 128 px one with the stores' transparent padding), and
// `web-ext lint` on dist/firefox without a single error, warning or notice.
// Run after ./build.sh package: node --test tests/package/
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { NEVER, SHIPPED } from '../../tools/package.mjs';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')).version;
const text = (bytes) => Buffer.from(bytes).toString('utf8');

/** Width and height from a PNG's IHDR. */
function pngSize(bytes) {
  const b = Buffer.from(bytes);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The largest alpha (0–1) in a region of a PNG, read by ImageMagick. */
function maxAlpha(bytes, geometry) {
  const dir = mkdtempSync(join(tmpdir(), 'photolift-icon-'));
  try {
    const path = join(dir, 'icon.png');
    writeFileSync(path, bytes);
    return Number(execFileSync('convert', [path, '-alpha', 'extract', '-crop', geometry, '-format', '%[fx:maxima]', 'info:'],
      { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file a manifest names, and every file its HTML pages and JavaScript modules load. */
function referencedFiles(manifest, files) {
  const named = new Set();
  const icons = (set) => Object.values(set ?? {}).forEach((path) => named.add(path));
  icons(manifest.icons);
  icons(manifest.action?.default_icon);
  if (manifest.background?.service_worker) named.add(manifest.background.service_worker);
  for (const path of manifest.background?.scripts ?? []) named.add(path);
  for (const script of manifest.content_scripts ?? []) [...(script.js ?? []), ...(script.css ?? [])].forEach((p) => named.add(p));
  for (const entry of manifest.web_accessible_resources ?? []) entry.resources.forEach((p) => named.add(p));
  const seen = new Set();
  const queue = [...named];
  while (queue.length) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    if (!files[path]) continue;
    const base = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    const resolve = (ref) => new URL(ref, `https://x/${base}`).pathname.slice(1);
    const source = text(files[path]);
    let refs = [];
    if (path.endsWith('.html')) refs = [...source.matchAll(/(?:src|href)="([^":]+)"/g)].map((m) => m[1]);
    if (path.endsWith('.js')) refs = [...source.matchAll(/(?:import\s[^'"]*|import\(|new URL\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
    for (const ref of refs) queue.push(resolve(ref));
  }
  return [...seen];
}

for (const browser of ['chrome', 'firefox']) {
  describe(`the ${browser} package`, () => {
    const zip = join(ROOT, 'dist', `photolift-${browser}-${VERSION}.zip`);
    const files = Object.fromEntries(Object.entries(unzipSync(readFileSync(zip))).filter(([name]) => !name.endsWith('/')));
    const manifest = JSON.parse(text(files['manifest.json']));

    it('holds only shipped code and assets, never tests or source maps', () => {
      const odd = Object.keys(files).filter((name) => NEVER.test(name) || !SHIPPED.test(name));
      assert.deepEqual(odd, []);
      assert.ok(files['pkg/panel_bg.wasm'] && files['pkg/worker_bg.wasm'] && files['pkg/codecs_bg.wasm'], 'the three WebAssembly modules are inside');
    });

    it('has every file its manifest, pages and modules name', () => {
      const missing = referencedFiles(manifest, files).filter((path) => !files[path]);
      assert.deepEqual(missing, []);
    });

    it('describes itself in at most 132 characters, and names itself in at most 75, in every locale', () => {
      const locales = Object.keys(files).filter((name) => /^_locales\/[^/]+\/messages\.json$/.test(name));
      assert.ok(locales.length >= 1);
      assert.ok(files[`_locales/${manifest.default_locale}/messages.json`], 'the default locale is there');
      for (const locale of locales) {
        const messages = JSON.parse(text(files[locale]));
        const resolve = (value) => value.replace(/__MSG_(\w+)__/g, (_, key) => {
          assert.ok(messages[key] ?? messages[key.toLowerCase()], `${locale} has ${key}`);
          return (messages[key] ?? messages[key.toLowerCase()]).message;
        });
        const description = resolve(manifest.description);
        assert.ok(description.length <= 132, `${locale}: description of ${description.length} characters`);
        assert.ok(resolve(manifest.name).length <= 75, `${locale}: name too long`);
      }
    });

    it('has icons of 16, 32, 48 and 128 px at their declared sizes; the 128 px one is 96 px of artwork in transparent padding', () => {
      assert.deepEqual(Object.keys(manifest.icons).sort(), ['128', '16', '32', '48']);
      for (const [size, path] of [...Object.entries(manifest.icons), ...Object.entries(manifest.action.default_icon)]) {
        assert.deepEqual(pngSize(files[path]), { width: Number(size), height: Number(size) }, path);
      }
      const icon = files[manifest.icons['128']];
      for (const border of ['128x16+0+0', '128x16+0+112', '16x128+0+0', '16x128+112+0']) {
        assert.equal(maxAlpha(icon, border), 0, `the padding ${border} is transparent`);
      }
      assert.equal(maxAlpha(icon, '96x96+16+16'), 1, 'the artwork is inside the 96 px square');
    });

    it(`is a ${browser} manifest`, () => {
      assert.equal(manifest.version, VERSION);
      if (browser === 'chrome') {
        assert.ok(manifest.background.service_worker);
        assert.equal(manifest.browser_specific_settings, undefined);
      } else {
        assert.deepEqual(manifest.background.scripts, ['background.js']);
        assert.equal(manifest.background.service_worker, undefined);
        assert.equal(manifest.minimum_chrome_version, undefined);
        // data_collection_permissions is known from Firefox 140 on desktop, 142 on Android.
        assert.ok(manifest.browser_specific_settings.gecko.data_collection_permissions);
        assert.ok(parseFloat(manifest.browser_specific_settings.gecko.strict_min_version) >= 140);
        assert.ok(parseFloat(manifest.browser_specific_settings.gecko_android.strict_min_version) >= 142);
      }
    });
  });
}

describe('the source archive AMO asks for', () => {
  it('holds the source and the build instructions', () => {
    const files = unzipSync(readFileSync(join(ROOT, 'dist', `photolift-source-${VERSION}.zip`)));
    for (const path of ['README.md', 'build.sh', 'Cargo.toml', 'Cargo.lock', 'package-lock.json', 'manifest.json', 'manifest.firefox.json', 'src/lib.rs']) {
      assert.ok(files[`photolift-${VERSION}/${path}`], path);
    }
  });
});

describe('web-ext lint on dist/firefox', () => {
  it('reports no error, no warning and no notice', { timeout: 120_000 }, () => {
    let out;
    try {
      out = execFileSync(join(ROOT, 'node_modules', '.bin', 'web-ext'), ['lint', '--source-dir', join(ROOT, 'dist', 'firefox'), '--output', 'json', '--no-config-discovery'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      out = error.stdout; // it exits non-zero when it found errors
    }
    const report = JSON.parse(out.slice(out.indexOf('{')));
    const found = [...report.errors, ...report.warnings, ...report.notices].map((m) => `${m._type} ${m.code}: ${m.message} (${m.file ?? ''})`);
    assert.deepEqual(found, []);
    assert.equal(report.summary.errors + report.summary.warnings + report.summary.notices, 0);
  });
});
