// Loader for the panel: the panel itself is Rust (src/web/panel.rs) compiled to WebAssembly.
import init, { start_panel } from './pkg/panel.js';

await init({ module_or_path: new URL('./pkg/panel_bg.wasm', import.meta.url) });
start_panel(new URL('./worker.js', import.meta.url).href);
