// The drift test: the JavaScript side of every message boundary (extension/protocol.js and the
// handlers that use it) must name exactly what the Rust enums of src/protocol/ define.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, loadScripts, protocolCatalog } from './load-extension-scripts.mjs';

const catalog = protocolCatalog();
const P = loadScripts(['protocol.js']).PhotoliftProtocol;
const constant = (type) => type.toUpperCase().replaceAll('-', '_');

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'pkg' || name === '_locales' ? [] : jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}
const sources = new Map(jsFiles(join(ROOT, 'extension')).map((path) => [path.slice(ROOT.length), readFileSync(path, 'utf8')]));

// Where the JavaScript side receives a direction; the other directions are received by Rust,
// whose matches are exhaustive.
const RECEIVERS = {
  FromObserver: ['extension/content/upload-tracker.js'],
  ToObserver: ['extension/content/page-observer.js'],
  ToPage: ['extension/content/content.js'],
  ToBackground: ['extension/background.js'],
};

describe('protocol.js names what the Rust enums define', () => {
  for (const direction of catalog.directions) {
    test(`${direction.enum} (${direction.from} → ${direction.to}, boundary ${direction.boundary})`, () => {
      const names = P[direction.enum];
      assert.ok(names, `protocol.js has no ${direction.enum}`);
      assert.equal(P.BOUNDARY[direction.enum], direction.boundary);
      const rust = direction.messages.map((m) => m.type).sort();
      assert.deepEqual(Object.values(names).sort(), rust);
      for (const type of rust) assert.equal(names[constant(type)], type, `${direction.enum}.${constant(type)}`);
    });
  }

  test('the value enums carried as strings', () => {
    assert.deepEqual(Object.values(P.PageStatus).sort(), [...catalog.values.pageStatus].sort());
    assert.deepEqual(Object.values(P.PageOutcome).sort(), [...catalog.values.pageOutcome].sort());
  });

  test('protocol.js defines no direction the Rust side lacks', () => {
    const rust = new Set(catalog.directions.map((d) => d.enum));
    assert.deepEqual(Object.keys(P.BOUNDARY).sort(), [...rust].sort());
  });
});

describe('the JavaScript handlers', () => {
  for (const [direction, files] of Object.entries(RECEIVERS)) {
    test(`${direction} is handled, every type, in ${files.join(', ')}`, () => {
      const text = files.map((f) => sources.get(f)).join('\n');
      for (const key of Object.keys(P[direction])) {
        assert.ok(text.includes(`P.${direction}.${key}`), `${files}: no handler for ${direction}.${key}`);
      }
    });
  }

  test('every protocol name a script uses exists', () => {
    for (const [file, text] of sources) {
      for (const [, direction, key] of text.matchAll(/\bP\.(\w+)\.([A-Z_]+)\b/g)) {
        assert.ok(P[direction], `${file}: P.${direction} does not exist`);
        assert.ok(key in P[direction], `${file}: P.${direction}.${key} does not exist`);
      }
      for (const [, boundary] of text.matchAll(/P\.(?:message|isOf)\([^'"]*['"](\w+)['"]/g)) {
        assert.ok(Object.values(P.BOUNDARY).includes(boundary), `${file}: unknown boundary '${boundary}'`);
      }
    }
  });
});
