// What keeping an iPhone photo's HDR gain map costs: the native CLI (release build) converts each
// HDR HEIC of corpus/heic-world with and without `--no-hdr`, three times each, interleaved; the
// table gives the median CPU time (user + sys) of the whole `photolift convert` run (read, decode,
// encode, write: one thread, so on an idle machine it is also the wall time, and unlike the wall
// time it holds when other work shares the cores), the median wall time, the JPEG sizes, and what
// the gain map adds per 12 megapixels.
//   node tests/bench/hdr.mjs      (after ./build.sh, which builds the CLI)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'photolift');
const corpus = join(root, '..', 'shared', 'corpus', 'heic-world');
const FILES = ['iphone15pro_gainmap_tmap.heic', 'iphone16_gainmap_24mp.heic'];
const RUNS = 3;

/** One `photolift convert` run: its CPU seconds (from bash's `times`), wall seconds, JPEG size. */
function convertOnce(file, hdr) {
  const out = mkdtempSync(join(tmpdir(), 'photolift-bench-hdr-'));
  try {
    const args = ['convert', join(corpus, file), '--out', out, '--json', ...(hdr ? [] : ['--no-hdr'])];
    // `times` prints the shell's user and sys time, then its children's: the CLI's.
    const script = '"$@" || exit $?; times';
    const start = process.hrtime.bigint();
    const result = spawnSync('bash', ['-c', script, 'bash', cli, ...args], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`${cli} ${args.join(' ')}: ${result.stderr || result.stdout}`);
    const lines = result.stdout.trim().split('\n');
    const report = JSON.parse(lines[0]);
    if (report.kept.hdr_gain_map !== hdr) throw new Error(`${file}: gain map ${report.kept.hdr_gain_map}, asked ${hdr}`);
    const seconds = (text) => { const [, m, s] = text.match(/(\d+)m([\d.]+)s/); return Number(m) * 60 + Number(s); };
    const [user, sys] = lines.at(-1).split(' ').map(seconds);
    const [jpeg] = readdirSync(out);
    return { cpu: user + sys, wall, bytes: statSync(join(out, jpeg)).size, megapixels: (report.width * report.height) / 1e6 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => (bytes / 1e6).toFixed(2);

const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"/m)[1];
console.log(`\nHDR gain map cost (photolift ${version} CLI, native release build; ${cpus().length} × ${cpus()[0]?.model}; median of ${RUNS})\n`);
console.log('| photo | megapixels | SDR only: CPU (wall) | SDR only: JPEG | with gain map: CPU (wall) | with gain map: JPEG | the gain map per 12 MP: CPU | the gain map per 12 MP: bytes |');
console.log('|--|--:|--:|--:|--:|--:|--:|--:|');
const pct = (a, b) => `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(0)} %`;
for (const file of FILES) {
  const runs = { sdr: [], hdr: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.sdr.push(convertOnce(file, false));
    runs.hdr.push(convertOnce(file, true));
  }
  const [sdr, hdr] = [runs.sdr, runs.hdr].map((r) => ({
    cpu: median(r.map((x) => x.cpu)), wall: median(r.map((x) => x.wall)), bytes: r[0].bytes, megapixels: r[0].megapixels,
  }));
  const per12 = 12 / sdr.megapixels;
  const time = ({ cpu, wall }) => `${cpu.toFixed(2)} s (${wall.toFixed(2)} s)`;
  console.log(`| ${file} | ${sdr.megapixels.toFixed(1)} | ${time(sdr)} | ${mb(sdr.bytes)} MB | ${time(hdr)} | ${mb(hdr.bytes)} MB `
    + `| ${((hdr.cpu - sdr.cpu) * per12).toFixed(2)} s (${pct(hdr.cpu, sdr.cpu)}) | ${mb((hdr.bytes - sdr.bytes) * per12)} MB (${pct(hdr.bytes, sdr.bytes)}) |`);
}
