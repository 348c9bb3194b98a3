//! Small DOM builders for the panel (the shared ones are `crate::web::dom`'s).

use super::event::Action;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub use crate::web::dom::{append, document, element, text_element};

pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Sets an attribute only when its value differs (the panel re-renders on every tick).
pub fn set_attr(el: &Element, name: &str, value: &str) -> Result<(), JsValue> {
    if el.get_attribute(name).as_deref() != Some(value) {
        el.set_attribute(name, value)?;
    }
    Ok(())
}

/// Shows or hides `el` with the `hidden` attribute, touching the DOM only on a change.
pub fn set_hidden(el: &Element, hidden: bool) -> Result<(), JsValue> {
    match (hidden, el.has_attribute("hidden")) {
        (true, false) => el.set_attribute("hidden", ""),
        (false, true) => el.remove_attribute("hidden"),
        _ => Ok(()),
    }
}

/// Enables or disables a control, touching the DOM only on a change.
pub fn set_disabled(el: &Element, disabled: bool) -> Result<(), JsValue> {
    match (disabled, el.has_attribute("disabled")) {
        (true, false) => el.set_attribute("disabled", ""),
        (false, true) => el.remove_attribute("disabled"),
        _ => Ok(()),
    }
}

/// One inline style property, touching the DOM only on a change.
pub fn set_style(el: &Element, property: &str, value: &str) -> Result<(), JsValue> {
    let style = el.unchecked_ref::<HtmlElement>().style();
    if style.get_property_value(property)? != value {
        style.set_property(property, value)?;
    }
    Ok(())
}

/// `<button type="button" class="class" data-action="action">label</button>`.
pub fn button(class: &str, action: Action, label: &str) -> Result<Element, JsValue> {
    let el = text_element("button", class, label)?;
    el.set_attribute("type", "button")?;
    el.set_attribute("data-action", action.as_str())?;
    Ok(el)
}
