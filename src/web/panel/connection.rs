//! The panel's one connection to the content script that injected it. A `connect` brings a port
//! and this load's secret; the panel has the background verify the secret for its own frame
//! (`extension/panel-keys.js`) before it uses the port. Until then the panel shows nothing and
//! resumes nothing: a page script's port, or a frame of panel.html that another page made, never
//! gets past this. The first verified connection is the only one for this load.

use super::background;
use crate::protocol::{FromBackground, FromPage, ToBackground, ToPage};
use crate::web::messages::{from_js, to_js};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, MessagePort};

/// Waits for the verified connection and returns its port (not started: messages wait in it
/// until the driver listens). Never returns for a panel that no content script of ours injected.
pub async fn accept() -> Result<MessagePort, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let parent = window.parent()?.ok_or("the panel has no parent page")?;
    let origins = super::super::page_link::page_origins();
    let accepted = Rc::new(Cell::new(false));
    let mut resolve_slot: Option<Function> = None;
    let connected = Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
    let resolve = Rc::new(Cell::new(resolve_slot));
    let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let from_parent = event
            .source()
            .is_some_and(|source| Object::is(&source, &parent));
        if !from_parent || !origins.contains(&event.origin()) || accepted.get() {
            return;
        }
        let Ok(FromPage::Connect { secret }) = from_js::<FromPage>(event.data()) else {
            return;
        };
        let Some(port) = event.ports().get(0).dyn_into::<MessagePort>().ok() else {
            return;
        };
        let accepted = accepted.clone();
        let resolve = resolve.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match verify(&secret).await {
                Ok(token) if !accepted.replace(true) => {
                    background::set_token(token);
                    if let Some(resolve) = resolve.take() {
                        let _ = resolve.call1(&JsValue::NULL, &port);
                    }
                }
                Ok(_) => port.close(),
                Err(error) => {
                    web_sys::console::warn_2(&"photolift: connection refused".into(), &error);
                    port.close();
                }
            }
        });
    });
    window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref())?;
    listener.forget();
    // Tell the content script we listen now. Nothing private is in this message.
    window
        .parent()?
        .ok_or("the panel has no parent page")?
        .post_message(&to_js(&ToPage::PanelReady)?, "*")?;
    JsFuture::from(connected).await?.dyn_into()
}

/// Has the background check `secret` against what the content script registered for this
/// frame; its token is what the panel's later requests carry.
async fn verify(secret: &str) -> Result<String, JsValue> {
    let request = to_js(&ToBackground::VerifyPanel {
        secret: secret.to_string(),
    })?;
    let runtime = Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|chrome| Reflect::get(&chrome, &"runtime".into()))?;
    let send: Function = Reflect::get(&runtime, &"sendMessage".into())?.dyn_into()?;
    // Promise.resolve, not a cast: Firefox's promise comes from another compartment.
    let answer = Promise::resolve(&send.call1(&runtime, &request)?);
    match from_js::<FromBackground>(JsFuture::from(answer).await?)? {
        FromBackground::Verified { token } => Ok(token),
        FromBackground::Error { message } => Err(message.into()),
        other => Err(format!("unexpected answer to verify-panel: {other:?}").into()),
    }
}
