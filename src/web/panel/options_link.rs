//! The panel's link to photolift's options page (its own small piece, beside the view): a button
//! in the panel's bar that opens the options page in a tab (`chrome.runtime.openOptionsPage`,
//! which the panel's frame may call: it is an extension page).

use super::dom::{element, text_element};
use crate::web::i18n::text;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "runtime"], js_name = openOptionsPage)]
    fn open_options_page() -> Result<js_sys::Promise, JsValue>;
}

/// Puts the link in the panel's bar (before its last button, the hide button), or at the end of
/// the panel when it has no bar.
pub fn add(mount: &Element) -> Result<(), JsValue> {
    let link = text_element("button", "options-link", &text("options_open", &[]))?;
    link.set_attribute("type", "button")?;
    link.set_attribute("data-testid", "photolift-options")?;
    link.set_attribute("title", &text("options_open_title", &[]))?;
    let icon = element("span", "options-icon")?;
    icon.set_attribute("aria-hidden", "true")?;
    icon.set_text_content(Some("⚙"));
    link.prepend_with_node_1(&icon)?;
    match mount.query_selector("header")? {
        Some(bar) => {
            let last = bar.last_element_child();
            bar.insert_before(&link, last.as_ref().map(|e| e.unchecked_ref()))?;
        }
        None => {
            mount.append_child(&link)?;
        }
    }
    let on_click = Closure::<dyn FnMut()>::new(|| {
        let opened = open_options_page().map(wasm_bindgen_futures::JsFuture::from);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match opened {
                Ok(promise) => promise.await.map(|_| ()),
                Err(error) => Err(error),
            };
            if let Err(error) = result {
                web_sys::console::warn_2(
                    &"photolift: the options page did not open".into(),
                    &error,
                );
            }
        });
    });
    link.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    on_click.forget();
    Ok(())
}
