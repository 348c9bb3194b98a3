//! User-visible words come from `_locales/*/messages.json` through `chrome.i18n`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    fn get_message(key: &str, substitutions: Vec<String>) -> String;
}

/// The message `key` in the user's language, with `$1`, `$2`… filled from `args`.
pub fn text(key: &str, args: &[&str]) -> String {
    let message = get_message(key, args.iter().map(|a| a.to_string()).collect());
    if message.is_empty() {
        // A missing key must never leave a blank in the panel.
        key.replace('_', " ")
    } else {
        message
    }
}
