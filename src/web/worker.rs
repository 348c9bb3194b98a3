//! A conversion worker: reads one `File`, converts it with the pure `convert` core, and posts the
//! JPEG back (transferred, not copied). A panic posts `Crashed` first, so the panel can replace
//! this worker and mark only that one file failed.

use super::messages::{from_js, to_js};
use crate::convert::{self, Conversion, ConvertOptions};
use crate::protocol::{FromWorker, ToWorker};
use crate::queue::Reason;
use js_sys::{Array, ArrayBuffer, Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker, transfer: Option<&ArrayBuffer>) {
    let Ok(value) = to_js(message) else { return };
    let result = match transfer {
        Some(buffer) => {
            let _ = Reflect::set(&value, &"bytes".into(), buffer);
            scope().post_message_with_transfer(&value, &Array::of1(buffer))
        }
        None => scope().post_message(&value),
    };
    if let Err(error) = result {
        web_sys::console::error_2(&"photolift worker: post failed".into(), &error);
    }
}

pub fn start() -> Result<(), JsValue> {
    std::panic::set_hook(Box::new(|info| {
        post(
            &FromWorker::Crashed {
                reason: info.to_string(),
            },
            None,
        );
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        let file: Option<File> = Reflect::get(&data, &"file".into())
            .ok()
            .and_then(|f| f.dyn_into().ok());
        match (from_js::<ToWorker>(data), file) {
            (
                Ok(ToWorker::Convert {
                    job,
                    quality,
                    date_rescue,
                    hdr_gain_map,
                }),
                Some(file),
            ) => {
                let options = ConvertOptions {
                    quality,
                    date_rescue,
                    hdr_gain_map,
                    last_modified_ms: Some(file.last_modified() as i64),
                    ..ConvertOptions::default()
                };
                spawn_local(convert_file(job, file, options));
            }
            (Ok(ToWorker::Convert { job, .. }), None) => post(
                &FromWorker::Failed {
                    job,
                    reason: Reason::NoFileGiven,
                },
                None,
            ),
            (Err(error), _) => {
                web_sys::console::error_2(&"photolift worker: bad message".into(), &error)
            }
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromWorker::Ready, None);
    Ok(())
}

async fn convert_file(job: u32, file: File, options: ConvertOptions) {
    let original: ArrayBuffer = match JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => buffer.unchecked_into(),
        Err(_) => {
            let message = FromWorker::Failed {
                job,
                reason: Reason::Unreadable,
            };
            return post(&message, None);
        }
    };
    let bytes = Uint8Array::new(&original).to_vec();
    let content_key = hex_sha256(&bytes);
    match convert::convert(&bytes, &options) {
        Ok(Conversion::Unchanged { format }) => {
            let message = FromWorker::Converted {
                job,
                name: file.name(),
                media_type: format.media_type().to_string(),
                source_format: format.name().to_string(),
                unchanged: true,
                width: 0,
                height: 0,
                content_key,
                kept_exif: true,
                kept_icc: true,
                date_rescued: false,
            };
            post(&message, Some(&original));
        }
        Ok(Conversion::Converted(jpeg)) => {
            drop(bytes);
            let output = Uint8Array::from(jpeg.bytes.as_slice()).buffer();
            let message = FromWorker::Converted {
                job,
                name: convert::jpeg_file_name(&file.name()),
                media_type: "image/jpeg".into(),
                source_format: jpeg.source.name().to_string(),
                unchanged: false,
                width: jpeg.width,
                height: jpeg.height,
                content_key,
                kept_exif: jpeg.kept.exif,
                kept_icc: jpeg.kept.icc,
                date_rescued: jpeg.kept.date_rescued,
            };
            post(&message, Some(&output));
        }
        Err(error) => post(
            &FromWorker::Failed {
                job,
                reason: Reason::Conversion { error },
            },
            None,
        ),
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
