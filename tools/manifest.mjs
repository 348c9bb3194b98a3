// Writes a browser's manifest: the base manifest.json with an overlay applied as a JSON merge
// patch (RFC 7396: an object merges key by key, null removes a key, anything else replaces).
//   node tools/manifest.mjs manifest.json manifest.firefox.json > dist/firefox/manifest.json
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [base, ...overlays] = process.argv.slice(2);
  if (!base) {
    console.error('usage: node tools/manifest.mjs BASE.json [OVERLAY.json…]');
    process.exit(2);
  }
  const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
  const manifest = overlays.reduce((m, overlay) => mergePatch(m, read(overlay)), read(base));
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
}
