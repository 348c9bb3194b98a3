//! Small DOM helpers shared by the extension's pages (the panel, the options page): explicit, no
//! framework.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Document, Element, EventTarget, HtmlElement, Url};

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("an extension page runs in a document")
}

/// `<tag class="class">`.
pub fn element(tag: &str, class: &str) -> Result<Element, JsValue> {
    let el = document().create_element(tag)?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    Ok(el)
}

/// `<tag class="class">text</tag>`.
pub fn text_element(tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let el = element(tag, class)?;
    el.set_text_content(Some(text));
    Ok(el)
}

/// Appends each child to `parent`.
pub fn append(parent: &Element, children: &[&Element]) -> Result<(), JsValue> {
    for child in children {
        parent.append_child(child)?;
    }
    Ok(())
}

/// Calls `handler` on every `kind` event of `target`, for the life of the page.
pub fn listen<E: wasm_bindgen::convert::FromWasmAbi + 'static>(
    target: &EventTarget,
    kind: &str,
    handler: impl FnMut(E) + 'static,
) -> Result<(), JsValue> {
    let closure = Closure::<dyn FnMut(E)>::new(handler);
    target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}

/// How long the object URL stays valid: the browser reads the Blob when the download starts.
const REVOKE_AFTER_MS: u32 = 60_000;

/// Offers `text` as a file named `file_name` of type `mime` (e.g. "text/csv;charset=utf-8"): a Blob
/// behind an object URL, clicked through a temporary `<a download>`.
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
    let body = document().body().ok_or("the page has no body")?;
    body.append_child(&link)?;
    link.unchecked_ref::<HtmlElement>().click();
    link.remove();
    gloo::timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
