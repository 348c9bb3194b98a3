//! Images chosen on web pages (the context menu's "Upload to iCloud Photos"): the background
//! fetched them and keeps them (`extension/web-image.js`) in the extension's own storage, which this
//! frame inside icloud.com may not open itself. The panel takes them (each once: the background
//! forgets what it gives) when it starts and whenever it is shown, and lists each as a picked
//! file; what to make of one is decided in `panel_model::web_image`.

use super::background;
use super::conversions::{logged, now_ms, Conversions};
use super::event::{Event, Picked, Sender};
use crate::panel_model::{web_image_intake, WebImageIntake};
use crate::protocol::{FromBackground, ToBackground, WebImage};
use crate::queue::{Reason, UploadPlan};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, FilePropertyBag};

/// A web image, taken in.
pub enum WebTaken {
    /// To upload like a picked file; `source_url` is the page it was on.
    Photo { picked: Picked, source_url: String },
    /// Nothing to upload: listed as `name`, skipped with `reason`.
    Unavailable { name: String, reason: Reason },
}

/// How many first bytes tell what an image is.
const HEAD_BYTES: u32 = 4096;

/// Asks the background for the web images waiting; they arrive as `Event::WebImages`.
pub fn take(send: Sender) {
    if !background::reachable() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match background::ask(&ToBackground::TakeWebImages, None).await {
            Ok((FromBackground::WebImages { images }, answer)) if !images.is_empty() => {
                let buffers = Reflect::get(&answer, &"buffers".into())
                    .ok()
                    .filter(|b| b.is_object())
                    .map(|b| b.unchecked_into::<Array>());
                let taken = images
                    .iter()
                    .enumerate()
                    .map(|(i, image)| {
                        let buffer = buffers
                            .as_ref()
                            .map(|b| b.get(i as u32))
                            .filter(|b| b.is_object());
                        taken_in(image, buffer)
                    })
                    .collect();
                send(Event::WebImages(taken));
            }
            Ok(_) => {}
            Err(error) => web_sys::console::warn_2(
                &"photolift: the images chosen on web pages could not be taken".into(),
                &error,
            ),
        }
    });
}

fn taken_in(image: &WebImage, buffer: Option<JsValue>) -> WebTaken {
    let bytes = buffer.as_ref().map(Uint8Array::new);
    let head = bytes
        .as_ref()
        .map(|b| b.subarray(0, b.length().min(HEAD_BYTES)).to_vec())
        .unwrap_or_default();
    match (web_image_intake(image, &head), buffer) {
        (
            WebImageIntake::Photo {
                name,
                last_modified_ms,
                source_url,
            },
            Some(buffer),
        ) => match file(&buffer, &name, last_modified_ms) {
            Ok(file) => WebTaken::Photo {
                picked: Picked { file, path: name },
                source_url,
            },
            Err(_) => unavailable(image, name),
        },
        (WebImageIntake::Photo { name, .. }, None) => unavailable(image, name),
        (WebImageIntake::Unavailable { name, reason }, _) => WebTaken::Unavailable { name, reason },
    }
}

fn unavailable(image: &WebImage, name: String) -> WebTaken {
    WebTaken::Unavailable {
        name,
        reason: Reason::WebImageUnavailable {
            address: image.src_url.clone(),
            status: 0,
        },
    }
}

fn file(buffer: &JsValue, name: &str, last_modified_ms: u64) -> Result<File, JsValue> {
    let options = FilePropertyBag::new();
    options.set_last_modified(last_modified_ms as f64);
    File::new_with_buffer_source_sequence_and_options(&Array::of1(buffer), name, &options)
}

/// Lists the taken images: photos go the way of picked files (with their page kept for the
/// JPEG's XMP), the rest are skipped with their reason.
pub fn add(plan: &mut UploadPlan, conversions: &mut Conversions, taken: Vec<WebTaken>) {
    for image in taken {
        match image {
            WebTaken::Photo { picked, source_url } => {
                let Picked { file, path } = picked;
                let (size, modified) = (file.size() as u64, file.last_modified() as u64);
                let id = plan.add_file(path.as_str(), size, modified);
                conversions.originals.insert(id, file);
                conversions.sources.insert(id, source_url);
            }
            WebTaken::Unavailable { name, reason } => {
                let id = plan.add_file(name.as_str(), 0, now_ms());
                logged(plan.skip(id, reason));
            }
        }
    }
}
