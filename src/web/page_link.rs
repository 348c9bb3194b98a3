//! The link to the content script in the iCloud page: a `MessagePort` it hands us once the panel
//! has loaded. Only the iCloud origins may connect.

use super::messages::{to_js, ToPage};
use js_sys::{Array, ArrayBuffer};
use wasm_bindgen::prelude::*;
use web_sys::MessagePort;

pub const PAGE_ORIGINS: [&str; 2] = ["https://www.icloud.com", "https://www.icloud.com.cn"];

pub struct PageLink {
    port: Option<MessagePort>,
}

impl PageLink {
    pub fn new() -> PageLink {
        PageLink { port: None }
    }

    pub fn connect(&mut self, port: MessagePort) {
        if let Some(old) = self.port.replace(port) {
            old.close();
        }
    }

    pub fn is_connected(&self) -> bool {
        self.port.is_some()
    }

    pub fn send(&self, message: &ToPage) -> Result<(), JsValue> {
        self.send_with(message, Vec::new())
    }

    /// Sends `message` with `buffers` attached (as `buffers`) and transferred, not copied.
    pub fn send_with(&self, message: &ToPage, buffers: Vec<ArrayBuffer>) -> Result<(), JsValue> {
        let Some(port) = &self.port else {
            return Err("the iCloud page is not connected".into());
        };
        let value = to_js(message)?;
        let list: Array = buffers.into_iter().collect();
        js_sys::Reflect::set(&value, &"buffers".into(), &list)?;
        port.post_message_with_transferable(&value, &list)
    }
}
