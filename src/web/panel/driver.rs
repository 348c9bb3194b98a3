//! The panel's driver: turns events into steps of the plan (`queue::UploadPlan`) and the plan's
//! decisions into work: conversions for the worker pool, batches for the page.

use super::intake::Picked;
use super::view::{RowView, SummaryView, View};
use crate::queue::{FileId, FileState, PlanConfig, PlanState, UploadPlan};
use crate::web::i18n::text;
use crate::web::messages::{
    from_js, BatchFile, FromPage, FromWorker, PageOutcome, PageStatus, ToPage, ToWorker,
};
use crate::web::page_link::PageLink;
use crate::web::pool::{Pool, WorkerSignal};
use js_sys::{ArrayBuffer, Reflect};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, MessagePort};

pub enum Event {
    Picked(Vec<Picked>),
    PickRequested(String),
    Worker(WorkerSignal),
    Connected(MessagePort),
    Page(JsValue),
    ToggleExpanded,
    Tick,
}

/// A converted file waiting for (or in) its upload. Kept until the page confirms it, so that a
/// retry does not need another conversion.
struct Output {
    buffer: ArrayBuffer,
    name: String,
    media_type: String,
}

pub struct Driver {
    view: View,
    pool: Pool,
    link: PageLink,
    plan: UploadPlan,
    originals: HashMap<FileId, File>,
    outputs: HashMap<FileId, Output>,
    /// What a row says besides its state ("Converted from HEIC").
    notes: HashMap<FileId, String>,
    progress: HashMap<FileId, f64>,
    page_status: PageStatus,
    expanded: bool,
    batches_sent: u32,
    quality: u8,
    date_rescue: bool,
}

/// An illegal move in the plan is a bug of ours, not the user's: log it and go on.
fn logged<T>(result: Result<T, crate::queue::QueueError>) {
    if let Err(error) = result {
        web_sys::console::error_1(&format!("photolift plan: {error}").into());
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Names that are surely not photos or videos (sidecars, system files): skipped at intake, with
/// the reason shown, instead of being read and sniffed.
fn not_media_reason(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    let sidecar = [
        ".aae", ".xmp", ".json", ".txt", ".ini", ".db", ".pdf", ".zip", ".html",
    ];
    if base.starts_with("._") || base == ".ds_store" || base == "thumbs.db" || base == "desktop.ini"
    {
        return Some("a system file, not a photo".into());
    }
    sidecar.iter().find(|ext| base.ends_with(*ext)).map(|ext| {
        format!(
            "not a photo or video ({} file)",
            &ext[1..].to_ascii_uppercase()
        )
    })
}

impl Driver {
    pub fn new(view: View, pool: Pool) -> Driver {
        let config = PlanConfig {
            max_converting: pool.size(),
            ..PlanConfig::default()
        };
        let plan = UploadPlan::new(config).expect("a plan config with workers is valid");
        Driver {
            view,
            pool,
            link: PageLink::new(),
            plan,
            originals: HashMap::new(),
            outputs: HashMap::new(),
            notes: HashMap::new(),
            progress: HashMap::new(),
            page_status: PageStatus::Loading,
            expanded: true,
            batches_sent: 0,
            quality: 92,
            date_rescue: true,
        }
    }

    pub fn handle(&mut self, event: Event) -> Result<(), JsValue> {
        match event {
            Event::Picked(picked) => self.add_files(picked),
            Event::PickRequested(action) => {
                let input = if action == "pick-folder" {
                    &self.view.folder_input
                } else {
                    &self.view.files_input
                };
                input.click();
            }
            Event::Worker(signal) => self.on_worker(signal)?,
            Event::Connected(port) => {
                self.link.connect(port);
                self.link.send(&ToPage::Hello)?;
            }
            Event::Page(data) => self.on_page(from_js(data)?)?,
            Event::ToggleExpanded => self.set_expanded(!self.expanded)?,
            Event::Tick => {
                self.plan.check_timeouts(now_ms());
            }
        }
        self.pump()?;
        self.render()
    }

    fn set_expanded(&mut self, expanded: bool) -> Result<(), JsValue> {
        self.expanded = expanded;
        self.view.set_expanded(expanded)?;
        if self.link.is_connected() {
            self.link.send(&ToPage::SetExpanded { expanded })?;
        }
        Ok(())
    }

    fn add_files(&mut self, picked: Vec<Picked>) {
        for Picked { file, path } in picked {
            let id = self.plan.add_file(
                path.as_str(),
                file.size() as u64,
                file.last_modified() as u64,
            );
            if let Some(reason) = not_media_reason(&path) {
                logged(self.plan.skip(id, reason));
            } else {
                self.originals.insert(id, file);
            }
        }
    }

    fn on_worker(&mut self, signal: WorkerSignal) -> Result<(), JsValue> {
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
                        self.outputs.insert(
                            id,
                            Output {
                                buffer: bytes.unchecked_into(),
                                name,
                                media_type,
                            },
                        );
                        logged(self.plan.converted(id, &content_key, now_ms()));
                        if self.plan.file(id).map(|f| f.state) != Some(FileState::Ready) {
                            self.outputs.remove(&id);
                        }
                    }
                    FromWorker::Failed { job, reason } => {
                        self.pool.finish(slot);
                        logged(self.plan.conversion_failed(FileId(job), reason));
                    }
                    FromWorker::Crashed { reason } => {
                        web_sys::console::error_1(
                            &format!("photolift worker crashed: {reason}").into(),
                        );
                        self.replace_worker(slot)?;
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
                    self.replace_worker(slot)?;
                }
            }
        }
        Ok(())
    }

    fn replace_worker(&mut self, slot: usize) -> Result<(), JsValue> {
        if let Some(job) = self.pool.replace(slot)? {
            let reason = text("worker_crashed", &[]);
            logged(self.plan.conversion_failed(FileId(job), reason));
        }
        Ok(())
    }

    fn on_page(&mut self, message: FromPage) -> Result<(), JsValue> {
        match message {
            FromPage::PageStatus { status } => {
                self.page_status = status;
                let notice = match status {
                    PageStatus::Ready => None,
                    PageStatus::SignedOut => Some(text("page_signed_out", &[])),
                    PageStatus::NoWebAccess => Some(text("page_no_web_access", &[])),
                    PageStatus::Loading => Some(text("page_no_app", &[])),
                };
                self.view.set_notice(notice.as_deref())?;
            }
            FromPage::Show => self.set_expanded(true)?,
            FromPage::BatchHanded { .. } => {}
            FromPage::BatchRefused { batch, status } => {
                web_sys::console::warn_1(
                    &format!("photolift: batch {batch} refused ({status})").into(),
                );
                self.plan.batch_refused();
            }
            FromPage::FileProgress { id, loaded, total } => {
                let id = FileId(id);
                if total > 0.0 {
                    self.progress.insert(id, loaded / total);
                }
                self.plan.upload_progress(now_ms());
            }
            FromPage::FileResult {
                id,
                outcome,
                reason,
            } => {
                let id = FileId(id);
                let now = now_ms();
                self.progress.remove(&id);
                let result = match outcome {
                    PageOutcome::Uploaded => self.plan.upload_succeeded(id, now),
                    PageOutcome::AlreadyThere => {
                        self.notes.insert(id, text("already_in_library", &[]));
                        self.plan.upload_already_there(id, now)
                    }
                    PageOutcome::Rejected => self
                        .plan
                        .upload_rejected(id, text("page_rejected", &[&reason])),
                    PageOutcome::Failed => self
                        .plan
                        .upload_failed(id, text("upload_failed", &[&reason]), now)
                        .map(drop),
                    PageOutcome::NeverStarted => self
                        .plan
                        .upload_failed(id, text("page_never_started", &[]), now)
                        .map(drop),
                };
                logged(result);
                if self.plan.file(id).is_some_and(|f| f.state.is_final()) {
                    self.outputs.remove(&id);
                    self.originals.remove(&id);
                }
            }
        }
        Ok(())
    }

    /// Starts what can start: conversions on idle workers, and the next batch when the page is ready.
    fn pump(&mut self) -> Result<(), JsValue> {
        let now = now_ms();
        while self.pool.has_idle() {
            let Some(id) = self.plan.next_to_convert(now) else {
                break;
            };
            let Some(file) = self.originals.get(&id) else {
                let reason = "the file is no longer available";
                logged(self.plan.conversion_failed(id, reason));
                continue;
            };
            let message = ToWorker::Convert {
                job: id.0,
                quality: self.quality,
                date_rescue: self.date_rescue,
            };
            if !self.pool.submit(id.0, file, &message)? {
                logged(self.plan.conversion_failed(id, "no converter was free"));
            }
        }
        if self.link.is_connected() && self.page_status == PageStatus::Ready {
            if let Some(batch) = self.plan.next_batch(now) {
                self.send_batch(batch)?;
            }
        }
        Ok(())
    }

    fn send_batch(&mut self, ids: Vec<FileId>) -> Result<(), JsValue> {
        self.batches_sent += 1;
        let mut files = Vec::with_capacity(ids.len());
        let mut buffers = Vec::with_capacity(ids.len());
        for id in ids {
            let (Some(output), Some(original)) = (self.outputs.get(&id), self.originals.get(&id))
            else {
                let reason = "the converted file was lost; drop it again";
                logged(self.plan.upload_rejected(id, reason));
                continue;
            };
            files.push(BatchFile {
                id: id.0,
                name: output.name.clone(),
                media_type: output.media_type.clone(),
                last_modified: original.last_modified(),
            });
            // A copy crosses to the page; ours stays for a retry until the page confirms the upload.
            buffers.push(output.buffer.slice(0));
        }
        let batch = self.batches_sent;
        self.link
            .send_with(&ToPage::UploadBatch { batch, files }, buffers)
    }

    fn render(&mut self) -> Result<(), JsValue> {
        for id in self.plan.take_changes() {
            let Some(file) = self.plan.file(id) else {
                continue;
            };
            // The panel contract has no "ready": a converted file waiting for its batch shows as queued.
            let state = match file.state {
                FileState::Ready => "queued",
                other => other.as_str(),
            };
            let note = self.notes.get(&id).map(String::as_str).unwrap_or("");
            let message = file
                .reason
                .as_deref()
                .or(file.last_upload_error.as_deref())
                .unwrap_or(note);
            let row = RowView {
                name: &file.name,
                state,
                message,
                progress: self.progress.get(&id).copied(),
            };
            self.view.render_row(id.0, &row)?;
        }
        let s = self.plan.summary();
        let state = match s.state {
            PlanState::Idle => "idle",
            PlanState::Running => "running",
            PlanState::Paused => "paused",
            PlanState::Done => "done",
        };
        let line = text(
            "summary_line",
            &[
                &s.uploaded.to_string(),
                &s.total.to_string(),
                &s.skipped.to_string(),
                &s.failed.to_string(),
            ],
        );
        self.view.render_summary(&SummaryView {
            total: s.total,
            uploaded: s.uploaded,
            skipped: s.skipped,
            failed: s.failed,
            state,
            line,
        })
    }
}
