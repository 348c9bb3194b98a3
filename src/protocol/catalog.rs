//! The catalog of every message: for each boundary and direction, each variant as it looks on
//! the wire (with default values). The drift test compares `extension/protocol.js` with it.

use super::{
    Boundary, FromBackground, FromCodecs, FromObserver, FromPage, FromWorker, PageOutcome,
    PageStatus, ToBackground, ToCodecs, ToObserver, ToPage, ToWorker, ENVELOPE,
};
use serde_json::{json, Value};
use strum::IntoEnumIterator;

fn direction<T: Boundary + IntoEnumIterator>() -> Value {
    let messages: Vec<Value> = T::iter()
        .map(|message| {
            let mut value = serde_json::to_value(&message).expect("messages serialise");
            if let Value::Object(fields) = &mut value {
                fields.insert(ENVELOPE.into(), Value::from(T::NAME));
            }
            value
        })
        .collect();
    let name = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    json!({ "enum": name, "boundary": T::NAME, "from": T::FROM, "to": T::TO, "messages": messages })
}

fn values<T: serde::Serialize + IntoEnumIterator>() -> Value {
    T::iter()
        .map(|value| serde_json::to_value(value).expect("values serialise"))
        .collect()
}

/// Every direction of every boundary, each with one example of every message, and the values
/// of the enums that messages carry as strings.
pub fn catalog() -> Value {
    json!({
        "directions": directions(),
        "values": { "pageStatus": values::<PageStatus>(), "pageOutcome": values::<PageOutcome>() },
    })
}

fn directions() -> Value {
    Value::Array(vec![
        direction::<FromObserver>(),
        direction::<ToObserver>(),
        direction::<ToPage>(),
        direction::<FromPage>(),
        direction::<ToWorker>(),
        direction::<FromWorker>(),
        direction::<ToCodecs>(),
        direction::<FromCodecs>(),
        direction::<ToBackground>(),
        direction::<FromBackground>(),
    ])
}
