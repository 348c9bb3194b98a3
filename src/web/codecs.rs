//! The codecs module: the TIFF, WebP, GIF and BMP decoders, a WebAssembly module of its own. A
//! conversion worker loads it, in the same worker, when the first such file arrives
//! (`extension/worker.js`), and calls [`decode`] with a `ToCodecs` message, the file's bytes
//! beside it as `bytes`; the answer is a `FromCodecs` message, the pixels beside it as `rgb` and
//! the metadata as `exif`, `xmp` and `icc` (protocol boundary `codecs`). HEIC and PNG, the photos
//! people have most, never wait for it: they are decoded in the worker's own module.

use super::messages::{from_js, to_js};
use crate::convert;
use crate::protocol::{FromCodecs, ToCodecs};
use js_sys::{Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The message being decoded: a panic writes its text there (`panic`), for the worker to
    /// report, since the trap that follows says only "unreachable".
    static CURRENT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Decodes one photo; a panic traps (the caller reads `panic` from its message).
pub fn decode(message: JsValue) -> Result<JsValue, JsValue> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = info.to_string();
            let _ = CURRENT.try_with(|current| {
                if let Some(message) = current.try_borrow().ok().and_then(|m| m.clone()) {
                    let _ = Reflect::set(&message, &"panic".into(), &text.into());
                }
            });
        }));
    });
    CURRENT.with(|current| *current.borrow_mut() = Some(message.clone()));
    let bytes: Uint8Array = Reflect::get(&message, &"bytes".into())?.dyn_into()?;
    let ToCodecs::Decode { format, max_pixels } = from_js::<ToCodecs>(message)?;
    let bytes = bytes.to_vec();
    let reply = match convert::decode_rare(format.format(), &bytes, max_pixels) {
        Ok(image) => {
            drop(bytes);
            let reply = to_js(&FromCodecs::Decoded {
                width: image.width,
                height: image.height,
                exif_is_tiff_file: image.exif_is_tiff_file,
            })?;
            let parts = [
                ("rgb", Some(image.rgb)),
                ("exif", image.exif),
                ("xmp", image.xmp),
                ("icc", image.icc),
            ];
            for (name, part) in parts {
                if let Some(part) = part {
                    Reflect::set(&reply, &name.into(), &Uint8Array::from(part.as_slice()))?;
                }
            }
            reply
        }
        Err(error) => to_js(&FromCodecs::Failed { error })?,
    };
    CURRENT.with(|current| *current.borrow_mut() = None);
    Ok(reply)
}
