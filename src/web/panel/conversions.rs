//! The panel's side of conversion: the user's original files, the worker pool, what the workers
//! hand back (converted bytes kept until the page has them, a note and a thumbnail per row), and
//! the plan's steps those results make.

use super::event::{Event, Sender};
use crate::panel_model::Settings;
use crate::protocol::{FromWorker, ToWorker};
use crate::queue::{FileId, FileState, Reason, UploadPlan};
use crate::web::i18n::text;
use crate::web::messages::from_js;
use crate::web::pool::{Pool, WorkerSignal};
use js_sys::{ArrayBuffer, Reflect};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File};

/// An illegal move in the plan is a bug of ours, not the user's: log it and go on.
pub fn logged<T>(result: Result<T, crate::queue::QueueError>) {
    if let Err(error) = result {
        web_sys::console::error_1(&format!("photolift plan: {error}").into());
    }
}

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// An original JPEG bigger than this gets no thumbnail (the browser would decode it whole).
const THUMBNAIL_MAX_ORIGINAL_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// A converted file waiting for (or in) its upload. Kept until the page confirms it, so that a
/// retry does not need another conversion.
pub struct Output {
    pub bytes: OutputBytes,
    pub name: String,
    pub media_type: String,
}

/// What goes to the page for a file.
pub enum OutputBytes {
    /// The converted JPEG: the worker's bytes made a `Blob` once, as they arrive. The thumbnail
    /// reads it and each hand-over to the page passes a handle to it, so its bytes are not copied
    /// again (not per hand-over, not into the page's `File`), and they are not held in the
    /// panel's own heap.
    Converted(Blob),
    /// The file goes up unchanged (a JPEG, a video): the user's own `File`, a handle that is never
    /// read into memory here; the page gets the same handle.
    Original(File),
}

pub struct Conversions {
    pool: Pool,
    /// The user's files, by plan id: handles, not bytes (kept for "retry failed").
    pub originals: HashMap<FileId, File>,
    /// The page each image chosen on a web page was on, for its JPEG's XMP (`dc:source`).
    pub sources: HashMap<FileId, String>,
    pub outputs: HashMap<FileId, Output>,
    /// What a row says besides its state ("Converted from HEIC").
    pub notes: HashMap<FileId, String>,
    pub thumbnails: HashMap<FileId, String>,
    /// Delivers thumbnails, which finish later.
    sender: Sender,
}

impl Conversions {
    pub fn new(pool: Pool, sender: Sender) -> Conversions {
        Conversions {
            pool,
            originals: HashMap::new(),
            sources: HashMap::new(),
            outputs: HashMap::new(),
            notes: HashMap::new(),
            thumbnails: HashMap::new(),
            sender,
        }
    }

    /// Starts conversions on idle workers, as far as the plan allows.
    pub fn start(&mut self, plan: &mut UploadPlan, settings: &Settings) -> Result<(), JsValue> {
        let now = now_ms();
        while self.pool.has_idle() {
            let Some(id) = plan.next_to_convert(now) else {
                break;
            };
            let Some(file) = self.originals.get(&id) else {
                logged(plan.conversion_failed(id, Reason::OriginalGone));
                continue;
            };
            let message = ToWorker::Convert {
                job: id.0,
                quality: settings.quality,
                date_rescue: settings.date_rescue,
                hdr_gain_map: settings.hdr_gain_map,
                source_url: self.sources.get(&id).cloned(),
            };
            if !self.pool.submit(id.0, file, &message)? {
                logged(plan.conversion_failed(id, Reason::NoConverterFree));
            }
        }
        Ok(())
    }

    /// A file is over (uploaded, skipped, failed): its converted bytes are no longer needed.
    pub fn release_if_final(&mut self, plan: &UploadPlan, id: FileId) {
        if plan.file(id).is_some_and(|f| f.state.is_final()) {
            self.outputs.remove(&id);
        }
    }

    pub fn on_worker(
        &mut self,
        plan: &mut UploadPlan,
        signal: WorkerSignal,
    ) -> Result<(), JsValue> {
        match signal {
            WorkerSignal::Message {
                slot,
                generation,
                data,
            } => {
                if !self.pool.is_current(slot, generation) {
                    return Ok(());
                }
                let bytes = Reflect::get(&data, &"bytes".into())?;
                match from_js::<FromWorker>(data)? {
                    FromWorker::Ready => self.pool.mark_ready(slot),
                    FromWorker::Converted {
                        job,
                        name,
                        media_type,
                        source_format,
                        unchanged,
                        content_key,
                        thumbnail,
                        ..
                    } => {
                        self.pool.finish(slot);
                        crate::web::trace::mark("received", job);
                        let id = FileId(job);
                        let note = if !unchanged {
                            text("converted_from", &[&source_format])
                        } else if media_type.starts_with("video/") {
                            text("unchanged_video", &[])
                        } else {
                            text("unchanged_jpeg", &[])
                        };
                        self.notes.insert(id, note);
                        let output_bytes = match (unchanged, self.originals.get(&id)) {
                            (true, Some(original)) => OutputBytes::Original(original.clone()),
                            (false, _) if bytes.is_instance_of::<ArrayBuffer>() => {
                                OutputBytes::Converted(jpeg_blob(&bytes, &media_type)?)
                            }
                            _ => {
                                logged(plan.conversion_failed(id, Reason::OriginalGone));
                                return Ok(());
                            }
                        };
                        match thumbnail {
                            // The conversion made it from the pixels it had: nothing to decode
                            // (the row is drawn with it as the plan takes the conversion in).
                            Some(url) => {
                                self.thumbnails.insert(id, url);
                            }
                            None if !media_type.starts_with("video/") => {
                                self.make_thumbnail(id, &output_bytes)
                            }
                            None => {}
                        }
                        let held = match &output_bytes {
                            OutputBytes::Converted(blob) => blob.size() as u64,
                            OutputBytes::Original(_) => 0,
                        };
                        let output = Output {
                            bytes: output_bytes,
                            name,
                            media_type,
                        };
                        self.outputs.insert(id, output);
                        logged(plan.converted_holding(id, &content_key, held, now_ms()));
                        if plan.file(id).map(|f| f.state) != Some(FileState::Ready) {
                            self.outputs.remove(&id);
                        }
                    }
                    FromWorker::Failed { job, reason } => {
                        self.pool.finish(slot);
                        let id = FileId(job);
                        if reason.is_not_media() {
                            logged(plan.conversion_skipped(id, reason));
                        } else {
                            logged(plan.conversion_failed(id, reason));
                        }
                    }
                    FromWorker::Crashed { reason } => {
                        web_sys::console::error_1(
                            &format!("photolift worker crashed: {reason}").into(),
                        );
                        self.replace_worker(plan, slot)?;
                    }
                }
            }
            WorkerSignal::Error {
                slot,
                generation,
                reason,
            } => {
                if self.pool.is_current(slot, generation) {
                    web_sys::console::error_1(&format!("photolift worker error: {reason}").into());
                    self.replace_worker(plan, slot)?;
                }
            }
        }
        Ok(())
    }

    fn make_thumbnail(&self, id: FileId, bytes: &OutputBytes) {
        let blob: Blob = match bytes {
            OutputBytes::Converted(blob) => blob.clone(),
            // A huge original is not decoded just for a thumbnail.
            OutputBytes::Original(file) if file.size() <= THUMBNAIL_MAX_ORIGINAL_BYTES => {
                file.clone().into()
            }
            OutputBytes::Original(_) => return,
        };
        let sender = self.sender.clone();
        wasm_bindgen_futures::spawn_local(async move {
            crate::web::trace::mark("thumbnail", id.0);
            // A photo the browser cannot show small just keeps its placeholder.
            let made = super::thumbnail::thumbnail(&blob).await;
            crate::web::trace::mark("thumbnailed", id.0);
            if let Ok(url) = made {
                sender(Event::Thumbnail(id, url));
            }
        });
    }

    fn replace_worker(&mut self, plan: &mut UploadPlan, slot: usize) -> Result<(), JsValue> {
        if let Some(job) = self.pool.replace(slot)? {
            logged(plan.conversion_failed(FileId(job), Reason::WorkerCrashed));
        }
        Ok(())
    }
}

/// The worker's JPEG bytes (a transferred `ArrayBuffer`) as a `Blob` of `media_type`.
fn jpeg_blob(bytes: &JsValue, media_type: &str) -> Result<Blob, JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    Blob::new_with_buffer_source_sequence_and_options(&js_sys::Array::of1(bytes), &options)
}
