//! User-visible words come from `_locales/*/messages.json` through `chrome.i18n`, in the
//! browser's UI language; reasons become words through [`crate::words`] with the browser's
//! messages. Numbers and dates are written in the same language's format (`Intl`, through
//! js-sys), so a German panel says "1.234" and "20.11.2026" where an English one says "1,234"
//! and "Nov 20, 2026".

use crate::queue::Reason;
use crate::words::{self, Messages};
use std::sync::OnceLock;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    fn get_message(key: &str, substitutions: Vec<String>) -> String;
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn get_ui_language() -> String;
}

/// The browser's UI language as a BCP 47 tag (`de`, `zh-CN`, `pt-BR`), the language the messages
/// are shown in. Read once: it does not change while the browser runs.
pub fn ui_language() -> &'static str {
    static LANGUAGE: OnceLock<String> = OnceLock::new();
    LANGUAGE.get_or_init(|| {
        let tag = get_ui_language().replace('_', "-");
        if tag.is_empty() {
            "en".into()
        } else {
            tag
        }
    })
}

/// Marks the panel's document with the UI language (and its direction), so that screen readers
/// speak it and the browser picks its fonts and hyphenation: `<html lang="de" dir="ltr">`.
pub fn mark_document_language() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = root.set_attribute("lang", ui_language());
    let direction = get_message("@@bidi_dir", Vec::new());
    if !direction.is_empty() {
        let _ = root.set_attribute("dir", &direction);
    }
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

thread_local! {
    /// The UI language's number format, made once: `Number.toLocaleString` makes a new
    /// `Intl.NumberFormat` on every call, and the panel writes numbers on every render (a
    /// measurable share of its main thread in a bulk upload, docs/SPEED.md step 21). The same
    /// default options, so the same words.
    static FORMAT_NUMBER: js_sys::Function = {
        let locales = js_sys::Array::of1(&ui_language().into());
        js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new()).format()
    };
}

fn formatted(x: f64) -> String {
    FORMAT_NUMBER.with(|format| {
        format
            .call1(&JsValue::NULL, &x.into())
            .ok()
            .and_then(|words| words.as_string())
            .unwrap_or_else(|| x.to_string())
    })
}

/// A whole number in the UI language's format (`1,234`, `1.234`, `1 234`).
pub fn number(n: u64) -> String {
    formatted(n as f64)
}

/// A quantity with at most one decimal (`2.5`, `2,5`; `3` rather than `3.0`).
pub fn decimal(x: f64) -> String {
    formatted((x * 10.0).round() / 10.0)
}

/// A moment (ms since the epoch) as the UI language writes a date and time, in local time.
pub fn date_time(ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(ui_language(), &options).into()
}

/// A day (`YYYY-MM-DD`, a UTC day as the upload memory keeps it) as the UI language writes a
/// date; anything else is shown as it is.
pub fn day(iso_day: &str) -> String {
    let ms = js_sys::Date::parse(iso_day);
    if ms.is_nan() {
        return iso_day.to_string();
    }
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    // Parsed as midnight UTC: shown in UTC, so a user west of Greenwich sees the same day.
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    date.to_locale_date_string(ui_language(), &options).into()
}

/// The browser's messages in the user's language.
struct Browser;

impl Messages for Browser {
    fn message(&self, key: &str, args: &[&str]) -> Option<String> {
        let message = get_message(key, args.iter().map(|a| a.to_string()).collect());
        (!message.is_empty()).then_some(message)
    }

    fn number(&self, n: u64) -> String {
        number(n)
    }

    fn day(&self, iso_day: &str) -> String {
        day(iso_day)
    }
}

/// The words of `reason` in the user's language; a missing message shows its key, never a blank.
pub fn reason_text(reason: &Reason) -> String {
    words::reason(&Browser, reason).unwrap_or_else(|missing| missing.0.replace('_', " "))
}
