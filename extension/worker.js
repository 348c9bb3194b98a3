// Loader for a conversion worker: the work is Rust (src/web/worker.rs) compiled to WebAssembly.
import init, { start_worker } from './pkg/worker.js';

await init({ module_or_path: new URL('./pkg/worker_bg.wasm', import.meta.url) });
start_worker();
