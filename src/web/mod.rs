//! The browser shell (wasm32 only): the panel page, its conversion workers, and the link to the
//! content script that drives the iCloud page. It holds no conversion or planning logic of its own:
//! that is `convert` and `queue`.

//! Built as three modules (Cargo features `panel`, `worker` and `codecs`, one each in build.sh):
//! the panel's has no converter, the workers' no panel, and the codecs module (TIFF, WebP, GIF
//! and BMP decoders, loaded by a worker when such a file arrives) nothing but those decoders.

#[cfg(feature = "codecs")]
mod codecs;
#[cfg(feature = "panel")]
mod dom;
#[cfg(feature = "panel")]
mod i18n;
#[cfg(feature = "panel")]
mod measure;
mod messages;
#[cfg(feature = "panel")]
mod options;
#[cfg(feature = "panel")]
mod page_link;
#[cfg(feature = "panel")]
mod panel;
#[cfg(feature = "panel")]
mod pool;
#[cfg(feature = "panel")]
mod store;
mod trace;
#[cfg(feature = "worker")]
mod worker;

use wasm_bindgen::prelude::*;
#[cfg(feature = "panel")]
use wasm_bindgen::JsCast;

/// Entry point of `panel.html` (see `extension/panel.js`).
#[cfg(feature = "panel")]
#[wasm_bindgen]
pub fn start_panel(worker_url: String, worker_module: JsValue) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    panel::Panel::start(worker_url, worker_module.dyn_into().ok())
}

/// Entry point of each conversion worker (see `extension/worker.js`).
/// `load_codecs` returns a promise of the codecs module's [`decode_rare`], loading that module the
/// first time it is called.
#[cfg(feature = "worker")]
#[wasm_bindgen]
pub fn start_worker(load_codecs: js_sys::Function) -> Result<(), JsValue> {
    worker::start(load_codecs)
}

/// Entry point of the codecs module (see `extension/worker.js`): one `ToCodecs` message in, its
/// `FromCodecs` answer out.
#[cfg(feature = "codecs")]
#[wasm_bindgen]
pub fn decode_rare(message: JsValue) -> Result<JsValue, JsValue> {
    codecs::decode(message)
}

/// Entry point of `options.html` (see `extension/options.js`): in the panel's module.
#[cfg(feature = "panel")]
#[wasm_bindgen]
pub fn start_options() -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    options::start()
}
