//! Small DOM builders for the panel: explicit, no framework.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the panel runs in a page")
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

pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}
