// Loader for the options page: the page itself is Rust (src/web/options/) compiled to WebAssembly,
// in the panel's module.
import init, { start_options } from './pkg/panel.js';

await init({ module_or_path: new URL('./pkg/panel_bg.wasm', import.meta.url) });
start_options();
