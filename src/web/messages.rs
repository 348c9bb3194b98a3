//! Messages cross into and out of JavaScript here, in their envelope
//! `{photolift: <boundary>, type, ...}` (the enums themselves are `crate::protocol`).

use crate::protocol::{Boundary, ENVELOPE};
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// Serialises a message into a plain JS object in its envelope (objects, not `Map`s, so the JS
/// glue reads it simply).
pub fn to_js<T: Boundary>(message: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = message.serialize(&serializer).map_err(JsValue::from)?;
    Reflect::set(&value, &ENVELOPE.into(), &T::NAME.into())?;
    Ok(value)
}

/// Reads a message of boundary `T`; anything without `T`'s envelope is refused.
pub fn from_js<T: Boundary>(value: JsValue) -> Result<T, JsValue> {
    let boundary = Reflect::get(&value, &ENVELOPE.into())?.as_string();
    if boundary.as_deref() != Some(T::NAME) {
        return Err(format!("not a photolift {} message", T::NAME).into());
    }
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}
