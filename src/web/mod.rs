//! The browser shell (wasm32 only): the panel page, its conversion workers, and the link to the
//! content script that drives the iCloud page. It holds no conversion or planning logic of its own:
//! that is `convert` and `queue`.

mod i18n;
mod measure;
mod messages;
mod options;
mod page_link;
mod panel;
mod pool;
mod store;
mod worker;

use wasm_bindgen::prelude::*;

/// Entry point of `panel.html` (see `extension/panel.js`).
#[wasm_bindgen]
pub fn start_panel(worker_url: String) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    panel::Panel::start(worker_url)
}

/// Entry point of each conversion worker (see `extension/worker.js`).
#[wasm_bindgen]
pub fn start_worker() -> Result<(), JsValue> {
    worker::start()
}

/// Entry point of `options.html` (see `extension/options.js`).
#[wasm_bindgen]
pub fn start_options() -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    options::start()
}
