// Loader for the panel: the panel itself is Rust (src/web/panel.rs) compiled to WebAssembly.
import init, { start_panel } from './pkg/panel.js';

// The workers' module is compiled once, now, while the panel starts (not on the first drop), and
// shared by every worker: one compilation, and the optimised code of one is every worker's.
const workerWasm = new URL('./pkg/worker_bg.wasm', import.meta.url);
const workerModule = WebAssembly.compileStreaming(fetch(workerWasm))
  .catch(() => fetch(workerWasm).then((response) => response.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes)));
// A failure here is the worker's to meet: it then compiles its own.
workerModule.catch(() => {});

await init({ module_or_path: new URL('./pkg/panel_bg.wasm', import.meta.url) });
start_panel(new URL('./worker.js', import.meta.url).href, workerModule);
