// Test fixtures made with real tools (ImageMagick), and readers for what the stand-in received.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');
// The browser the e2e suites run in: PHOTOLIFT_BROWSER=chromium (default) or firefox.
export const BROWSER = process.env.PHOTOLIFT_BROWSER ?? 'chromium';
if (!['chromium', 'firefox'].includes(BROWSER)) throw new Error(`PHOTOLIFT_BROWSER=${BROWSER}: chromium or firefox`);
// Where the two differ for the user (README, "Browsers"): Chromium gives a drop File System Access
// handles, so a dropped folder resumes after a reload without asking; Firefox has none to keep.
export const KEEPS_DROPPED_HANDLES = BROWSER === 'chromium';
export const EXTENSION_DIR = join(ROOT, 'dist', BROWSER === 'firefox' ? 'firefox' : 'chrome');

export function tempDir(prefix = 'photolift-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes an image made by ImageMagick's `convert` (e.g. 'gradient:red-blue', 'PNG:out.png'). */
export function magick(args) {
  execFileSync('convert', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** `{width, height, format}` of an image file or buffer, as ImageMagick's decoder reads it. */
export function identify(pathOrBytes) {
  let path = pathOrBytes;
  let cleanup = () => {};
  if (Buffer.isBuffer(pathOrBytes)) {
    const t = tempDir('photolift-identify-');
    path = join(t.dir, 'image');
    writeFileSync(path, pathOrBytes);
    cleanup = t.remove;
  }
  try {
    // -regard-warnings makes a damaged JPEG an error instead of a warning.
    const out = execFileSync('identify', ['-regard-warnings', '-format', '%w %h %m\n', path], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [width, height, format] = out.trim().split('\n')[0].split(' ');
    return { width: Number(width), height: Number(height), format };
  } finally {
    cleanup();
  }
}

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
export const readBytes = (path) => readFileSync(path);
