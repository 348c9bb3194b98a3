// Loader for the options page: the page itself is Rust (src/web/options/) compiled to WebAssembly.
import init, { start_options } from './pkg/photolift.js';

await init({ module_or_path: new URL('./pkg/photolift_bg.wasm', import.meta.url) });
start_options();
