// Loads the extension's plain scripts (protocol.js, the site adapter, the upload tracker) into a
// fresh node VM context, as a browser would load them into a content script's world, and reads
// the protocol catalog the Rust side writes (tests/protocol_catalog.rs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CATALOG = `${ROOT}target/protocol-catalog.json`;

/** Runs `files` (paths under extension/) in one context; returns its globalThis. */
export function loadScripts(files, globals = {}) {
  const context = vm.createContext({ URL, console, ...globals });
  for (const file of files) {
    vm.runInContext(readFileSync(`${ROOT}extension/${file}`, 'utf8'), context, { filename: file });
  }
  return context;
}

/** The catalog of every Rust message, written afresh by `cargo test --test protocol_catalog` (a
 * catalog left from an older build would hide a drift). */
export function protocolCatalog() {
  execFileSync('cargo', ['test', '--quiet', '--test', 'protocol_catalog'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(readFileSync(CATALOG, 'utf8'));
}

/** The field names (besides envelope and type) of each message type of one direction. */
export function fieldsByType(catalog, enumName) {
  const direction = catalog.directions.find((d) => d.enum === enumName);
  if (!direction) throw new Error(`no direction ${enumName} in the catalog`);
  return new Map(direction.messages.map((m) => [m.type,
    Object.keys(m).filter((k) => k !== 'type' && k !== 'photolift').sort()]));
}
