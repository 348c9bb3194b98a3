//! Saving a report (CSV, JSON) from the panel: a Blob behind an object URL, clicked through a
//! temporary `<a download>`.

use super::dom::{document, element};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlElement, Url};

/// How long the object URL stays valid: the browser reads the Blob when the download starts.
const REVOKE_AFTER_MS: u32 = 60_000;

/// Offers `text` as a file named `file_name` of type `mime` (e.g. "text/csv;charset=utf-8").
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let link = element("a", "")?;
    link.set_attribute("href", &url)?;
    link.set_attribute("download", file_name)?;
    link.set_attribute("hidden", "")?;
    let body = document().body().ok_or("the panel has no body")?;
    body.append_child(&link)?;
    link.unchecked_ref::<HtmlElement>().click();
    link.remove();
    gloo::timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
