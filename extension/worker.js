// Loader for a conversion worker: the work is Rust (src/web/worker.rs) compiled to WebAssembly.
// The first message (ToWorker `start`) carries the module the panel compiled once for all its
// workers; a worker started without one (the benchmarks) compiles its own.
import init, { start_worker } from './pkg/worker.js';

const start = await new Promise((resolve) => {
  self.onmessage = (event) => resolve(event.data);
});
self.onmessage = null;
const compiled = start?.module instanceof WebAssembly.Module ? start.module : null;
await init({ module_or_path: compiled ?? new URL('./pkg/worker_bg.wasm', import.meta.url) });

// TIFF, WebP, GIF and BMP are decoded by a module of their own (src/web/codecs.rs), loaded the
// first time such a file arrives; the worker asks for it through this function.
let codecs;
function loadCodecs() {
  codecs ??= import('./pkg/codecs.js').then(async (module) => {
    await module.default({ module_or_path: new URL('./pkg/codecs_bg.wasm', import.meta.url) });
    return module.decode_rare;
  });
  return codecs;
}

start_worker(loadCodecs);
