//! The link to the content script in the iCloud page: a `MessagePort` it hands us once the panel
//! has loaded. Only the iCloud origins may connect: those the manifest grants host access to.

use super::messages::to_js;
use crate::protocol::ToPage;
use js_sys::{Array, ArrayBuffer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::MessagePort;

/// The page origins of the manifest's `host_permissions` (`https://www.icloud.com/*` → the origin).
pub fn page_origins() -> Vec<String> {
    let manifest = js_sys::Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|chrome| js_sys::Reflect::get(&chrome, &"runtime".into()))
        .and_then(|runtime| {
            let get = js_sys::Reflect::get(&runtime, &"getManifest".into())?;
            get.dyn_into::<js_sys::Function>()?.call0(&runtime)
        });
    let patterns = manifest
        .and_then(|m| js_sys::Reflect::get(&m, &"host_permissions".into()))
        .ok()
        .filter(|p| p.is_instance_of::<Array>())
        .map(|p| p.unchecked_into::<Array>())
        .unwrap_or_default();
    patterns
        .iter()
        .filter_map(|p| p.as_string())
        .map(|p| p.trim_end_matches("/*").to_string())
        .collect()
}

pub struct PageLink {
    port: Option<MessagePort>,
}

impl PageLink {
    pub fn new() -> PageLink {
        PageLink { port: None }
    }

    /// Takes the one verified connection of this panel load; it is never replaced.
    pub fn connect(&mut self, port: MessagePort) {
        if self.port.is_some() {
            port.close();
            return;
        }
        self.port = Some(port);
    }

    pub fn is_connected(&self) -> bool {
        self.port.is_some()
    }

    pub fn send(&self, message: &ToPage) -> Result<(), JsValue> {
        self.send_with(message, Vec::new())
    }

    /// Sends `message` with `payloads` attached (as `buffers`, one per file): an `ArrayBuffer` is
    /// transferred, not copied; a `Blob` or `File` is cloned, which passes a handle to the same
    /// bytes and reads none of them.
    pub fn send_with(&self, message: &ToPage, payloads: Vec<JsValue>) -> Result<(), JsValue> {
        let Some(port) = &self.port else {
            return Err("the iCloud page is not connected".into());
        };
        let value = to_js(message)?;
        let transfer: Array = payloads
            .iter()
            .filter(|p| p.is_instance_of::<ArrayBuffer>())
            .cloned()
            .collect();
        let list: Array = payloads.into_iter().collect();
        js_sys::Reflect::set(&value, &"buffers".into(), &list)?;
        port.post_message_with_transferable(&value, &transfer)
    }
}
