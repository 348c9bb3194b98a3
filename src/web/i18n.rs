//! User-visible words come from `_locales/*/messages.json` through `chrome.i18n`; reasons become
//! words through [`crate::words`] with the browser's messages.

use crate::queue::Reason;
use crate::words::{self, Messages};
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

/// The browser's messages in the user's language.
struct Browser;

impl Messages for Browser {
    fn message(&self, key: &str, args: &[&str]) -> Option<String> {
        let message = get_message(key, args.iter().map(|a| a.to_string()).collect());
        (!message.is_empty()).then_some(message)
    }
}

/// The words of `reason` in the user's language; a missing message shows its key, never a blank.
pub fn reason_text(reason: &Reason) -> String {
    words::reason(&Browser, reason).unwrap_or_else(|missing| missing.0.replace('_', " "))
}
