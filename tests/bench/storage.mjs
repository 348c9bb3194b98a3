#!/usr/bin/env node
// Storage benchmark (issue 13, "storage for a lifetime of photos"): the upload memory of a million
// photos and the journal of a 100,000-file upload, written into the extension's own storage
// (chrome.storage.local) through the panel's real store code (src/web/store.rs, driven by
// src/web/measure.rs in an extension page), then read back as the panel reads them at start and
// rebuilt into the upload plan. Prints times and bytes; exits non-zero when what is read back is not
// what was written.
//
//   node tests/bench/storage.mjs
//   PHOTOLIFT_BENCH_MEMORY_PHOTOS=1000000 PHOTOLIFT_BENCH_JOURNAL_FILES=100000 node tests/bench/storage.mjs
//
// Also: SHA-256 throughput in the same page, WASM (sha2) against the browser's crypto.subtle.digest.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { EXTENSION_DIR } from '../e2e/fixtures.mjs';
import { chromiumExecutable, launch } from '../e2e/harness.mjs';
import { startStandin } from '../standin/server.mjs';

/** Runs the measurement in a fresh browser; resolves to {storage, sha256} as measured in the page. */
export async function measureStorage({ photos, files, hashMegabytes = 0 }) {
  const standin = await startStandin();
  const browser = await launch({ extensionDir: EXTENSION_DIR, standin });
  try {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/panel.html`);
    return await page.evaluate(async ({ photos: p, files: f, hashMegabytes: mb }) => {
      const wasm = await import(new URL('./pkg/panel.js', location.href).href);
      await wasm.default({ module_or_path: new URL('./pkg/panel_bg.wasm', location.href) });
      await chrome.storage.local.clear();
      const storage = await wasm.measure_storage(p, f);
      const sha256 = mb ? await wasm.measure_sha256(mb) : null;
      return { storage, sha256 };
    }, { photos, files, hashMegabytes });
  } finally {
    await browser.close();
    await standin.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const photos = Number(process.env.PHOTOLIFT_BENCH_MEMORY_PHOTOS ?? 1_000_000);
  const files = Number(process.env.PHOTOLIFT_BENCH_JOURNAL_FILES ?? 100_000);
  const { storage: s, sha256 } = await measureStorage({ photos, files, hashMegabytes: 256 });
  const MB = 1e6;
  const chromium = execFileSync(chromiumExecutable(), ['--version'], { encoding: 'utf8' }).trim();
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length;
  console.log(`\nphotolift storage benchmark — ${new Date().toISOString()}, ${cpus} CPUs, ${chromium}\n`);
  console.log('| upload memory | journal | memory written | journal written | bytes in storage | read back + plan rebuilt | read back |');
  console.log('|--:|--:|--:|--:|--:|--:|--:|');
  console.log(`| ${photos.toLocaleString('en')} photos | ${files.toLocaleString('en')} files (generation ${s.journalGeneration}, ${s.journalChunks} chunks) `
    + `| ${(s.memoryWriteMs / 1000).toFixed(1)} s (${(s.memoryBytes / MB).toFixed(1)} MB) | ${(s.journalWriteMs / 1000).toFixed(1)} s `
    + `| ${(s.bytesInUse / MB).toFixed(1)} MB | ${(s.loadMs / 1000).toFixed(1)} s + ${(s.replayMs / 1000).toFixed(1)} s `
    + `| ${s.rememberedLoaded.toLocaleString('en')} remembered, ${s.filesLoaded.toLocaleString('en')} files (${s.uploadedLoaded.toLocaleString('en')} uploaded) |`);
  if (sha256) {
    console.log(`\nSHA-256 of 256 MB in the panel page: WASM (sha2) ${sha256.wasmMBps.toFixed(0)} MB/s, `
      + `crypto.subtle.digest ${sha256.nativeMBps.toFixed(0)} MB/s${sha256.sameKey ? '' : ' — DIFFERENT KEYS'}`);
  }
  const ok = s.writeFailures === 0 && s.rememberedLoaded === photos + files && s.filesLoaded === files
    && s.uploadedLoaded === files && s.memoryKnowsPhotos && (!sha256 || sha256.sameKey);
  if (!ok) console.log(`\n!!!!! WARNING: read back is not what was written: ${JSON.stringify(s)} !!!!!`);
  process.exit(ok ? 0 : 1);
}
