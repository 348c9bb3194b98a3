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
use web_sys::File;

/// An illegal move in the plan is a bug of ours, not the user's: log it and go on.
pub fn logged<T>(result: Result<T, crate::queue::QueueError>) {
    if let Err(error) = result {
        web_sys::console::error_1(&format!("photolift plan: {error}").into());
    }
}

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A converted file waiting for (or in) its upload. Kept until the page confirms it, so that a
/// retry does not need another conversion.
pub struct Output {
    pub buffer: ArrayBuffer,
    pub name: String,
    pub media_type: String,
}

pub struct Conversions {
    pool: Pool,
    /// The user's files, by plan id: handles, not bytes (kept for "retry failed").
    pub originals: HashMap<FileId, File>,
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
                        ..
                    } => {
                        self.pool.finish(slot);
                        let id = FileId(job);
                        let note = if !unchanged {
                            text("converted_from", &[&source_format])
                        } else if media_type.starts_with("video/") {
                            text("unchanged_video", &[])
                        } else {
                            text("unchanged_jpeg", &[])
                        };
                        self.notes.insert(id, note);
                        if !media_type.starts_with("video/") {
                            self.make_thumbnail(id, &bytes, &media_type);
                        }
                        let output = Output {
                            buffer: bytes.unchecked_into(),
                            name,
                            media_type,
                        };
                        self.outputs.insert(id, output);
                        logged(plan.converted(id, &content_key, now_ms()));
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

    fn make_thumbnail(&self, id: FileId, bytes: &JsValue, media_type: &str) {
        let Some(bytes) = bytes.dyn_ref::<ArrayBuffer>() else {
            return;
        };
        let (bytes, media_type, sender) =
            (bytes.clone(), media_type.to_string(), self.sender.clone());
        wasm_bindgen_futures::spawn_local(async move {
            // A photo the browser cannot show small just keeps its placeholder.
            if let Ok(url) = super::thumbnail::thumbnail(&bytes, &media_type).await {
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
