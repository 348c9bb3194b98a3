// Writes the store packages from the built extension: dist/photolift-chrome-<version>.zip (Chrome
// Web Store) and dist/photolift-firefox-<version>.zip (addons.mozilla.org), each holding exactly the
// files of dist/chrome or dist/firefox, and dist/photolift-source-<version>.zip, the source that
// AMO asks for when a package holds compiled code (the WebAssembly), as `git archive` of HEAD.
// Entries carry one fixed date, so the same build gives the same bytes.
//   node tools/package.mjs            (after ./build.sh; ./build.sh package runs both)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const DIST = join(ROOT, 'dist');
// What a package may hold: the extension's code, pages, styles, messages and icons.
export const SHIPPED = /\.(js|html|css|json|wasm|png)$/;
// Never shipped, whatever the build leaves: source maps, tests, TypeScript declarations.
export const NEVER = /(\.map$|\.d\.ts$|(^|\/)tests?\/|\.test\.)/;
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => String(name))
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((name) => name.split(sep).join('/'))
    .sort();
}

export function packageExtension(browser) {
  const dir = join(DIST, browser);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const entries = {};
  for (const name of filesUnder(dir)) {
    if (NEVER.test(name) || !SHIPPED.test(name)) throw new Error(`${browser}: ${name} is not shipped code or an asset`);
    entries[name] = [readFileSync(join(dir, name)), { mtime: FIXED_DATE, level: name.endsWith('.png') ? 0 : 9 }];
  }
  const out = join(DIST, `photolift-${browser}-${manifest.version}.zip`);
  writeFileSync(out, zipSync(entries));
  return { out, version: manifest.version, files: Object.keys(entries).length };
}

export function packageSource(version) {
  const out = join(DIST, `photolift-source-${version}.zip`);
  execFileSync('git', ['archive', '--format=zip', `--prefix=photolift-${version}/`, '-o', out, 'HEAD'], { cwd: ROOT });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let version;
  for (const browser of ['chrome', 'firefox']) {
    const made = packageExtension(browser);
    version = made.version;
    console.log(`${relative(ROOT, made.out)}: ${made.files} files`);
  }
  console.log(`${relative(ROOT, packageSource(version))}: the source at HEAD (git archive)`);
}
