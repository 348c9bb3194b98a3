// ./build.sh bench: every benchmark, each printing its own table.
//   1. JPEG encoders on real photos (native, release build): size, speed, PSNR.
//      And what an HDR gain map costs per 12 MP photo (the native CLI with and without --no-hdr).
//   1b. photolift against libheif-js, heic2any and the browser's canvas in one Chromium (time,
//      size, PSNR, metadata), photos/minute of 1, 2 and 4 workers, and the CLI against heif-convert
//      (tests/bench/converters.mjs; about 10 minutes on 2 cores).
//   1c. A cold panel's time from a pick to its first conversion, and a bulk upload's photos/minute
//      against the same workers converting alone, with where the rest goes (tests/bench/pipeline.mjs;
//      about 10 minutes on 2 cores).
//   2. Peak memory of the panel and its workers while uploading 12 MP photos through the stand-in
//      (PHOTOLIFT_BENCH_FILES=N, default 1000: about 35–40 minutes on 2 cores); then one drop of a
//      3 GB video with 100 of them (about 4 minutes).
//   3. A 10,000-file folder dropped on the panel: listing time, long tasks on the panel's main thread,
//      Pause and scroll latency (PHOTOLIFT_BENCH_INTAKE_FILES=N; about 15 minutes on 2 cores).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = (command, args, env = {}) => {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
  console.log(`\n$ ${vars}${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exitCode = 1;
};

run('cargo', ['test', '--release', '--test', 'convert_encoders', '--', '--ignored', '--nocapture']);
run('node', ['tests/bench/hdr.mjs']);
run('node', ['tests/bench/converters.mjs']);
run('node', ['tests/bench/pipeline.mjs']);
run('node', ['tests/bench/memory.mjs']);
run('node', ['tests/bench/memory.mjs'], { PHOTOLIFT_BENCH_FORMATS: 'video', PHOTOLIFT_BENCH_FILES: '100' });
run('node', ['tests/bench/intake.mjs']);
