//! Requests to the extension's background service worker, which keeps what a panel cannot keep
//! itself (it is a frame inside icloud.com, denied IndexedDB and Web Locks): the handles of
//! dropped files (`extension/handle-store.js`) and whose turn it is to upload
//! (`extension/panel-turn.js`). Each request is a postMessage answered on a transferred port.
//! Firefox runs the background as a page, not a worker: there a request without handles goes by
//! extension messaging (`chrome.runtime.sendMessage`) instead.

use crate::protocol::{FromBackground, ToBackground};
use crate::web::messages::{from_js, to_js};
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageChannel, MessageEvent, ServiceWorkerRegistration};

thread_local! {
    /// The token the background granted this panel when it verified its connection
    /// (`connection::accept`); every request carries it.
    static TOKEN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

pub fn set_token(token: String) {
    TOKEN.with(|slot| *slot.borrow_mut() = Some(token));
}

/// How long the service worker may take to answer (it may have to start first).
const ANSWER_TIMEOUT_MS: i32 = 10_000;

/// Whether this panel is served by the extension's service worker (Chromium; Firefox runs the
/// background as a page, and a panel loaded before the worker took control has none either).
pub fn available() -> bool {
    web_sys::window()
        .filter(|window| {
            Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false)
        })
        .and_then(|window| window.navigator().service_worker().controller())
        .is_some()
}

/// `chrome.runtime` and its `sendMessage`, when this page has them.
fn runtime_send_message() -> Option<(JsValue, js_sys::Function)> {
    let runtime = Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|chrome| Reflect::get(&chrome, &"runtime".into()))
        .ok()?;
    let send = Reflect::get(&runtime, &"sendMessage".into()).ok()?;
    Some((runtime, send.dyn_into().ok()?))
}

/// Whether requests without handles reach the background: by its service worker (Chromium) or by
/// extension messaging to its background page (Firefox).
pub fn reachable() -> bool {
    available() || runtime_send_message().is_some()
}

/// Whether requests go by extension messaging (there is no service worker to post to).
pub fn by_messaging() -> bool {
    !available() && runtime_send_message().is_some()
}

/// Sends one request (with `handles` beside it, if any) and waits for the answer, which comes
/// with the whole message it arrived in: what rides beside it (`handles`, `buffers`) is read
/// from there. An `Error` answer becomes an `Err`.
pub async fn ask(
    request: &ToBackground,
    handles: Option<&Array>,
) -> Result<(FromBackground, JsValue), JsValue> {
    let message = to_js(request)?;
    if let Some(handles) = handles {
        Reflect::set(&message, &"handles".into(), handles)?;
    }
    let token = TOKEN
        .with(|slot| slot.borrow().clone())
        .ok_or("this panel is not verified")?;
    Reflect::set(&message, &"token".into(), &token.into())?;
    if by_messaging() {
        if handles.is_some() {
            return Err("file handles need the service worker".into());
        }
        let (runtime, send) = runtime_send_message().ok_or("no extension messaging")?;
        // Promise.resolve, not a cast: Firefox's promise comes from another compartment.
        let answer = Promise::resolve(&send.call1(&runtime, &message)?);
        let data = within(answer, "the background's answer").await?;
        return match from_js::<FromBackground>(data.clone())? {
            FromBackground::Error { message } => Err(message.into()),
            answer => Ok((answer, data)),
        };
    }
    let window = web_sys::window().ok_or("no window")?;
    let ready = window.navigator().service_worker().ready()?;
    let registration: ServiceWorkerRegistration = within(ready, "starting the service worker")
        .await?
        .dyn_into()?;
    let worker = registration.active().ok_or("no active service worker")?;
    let channel = MessageChannel::new()?;
    let port = channel.port1();
    let answer = Promise::new(&mut |resolve, _| port.set_onmessage(Some(&resolve)));
    worker.post_message_with_transferable(&message, &Array::of1(&channel.port2()))?;
    let event: MessageEvent = within(answer, "the service worker's answer")
        .await?
        .dyn_into()?;
    port.close();
    let data = event.data();
    match from_js::<FromBackground>(data.clone())? {
        FromBackground::Error { message } => Err(message.into()),
        answer => Ok((answer, data)),
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let done = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(done).await;
}

/// `promise`, or an error once ANSWER_TIMEOUT_MS have passed.
async fn within(promise: Promise, what: &str) -> Result<JsValue, JsValue> {
    let what = what.to_string();
    let timeout = Promise::new(&mut |_, reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_1(
                &reject,
                ANSWER_TIMEOUT_MS,
                &format!("no answer: {what}").into(),
            );
        }
    });
    JsFuture::from(Promise::race(&Array::of2(&promise, &timeout))).await
}
