//! The panel's driver: turns events into steps of the plan (`queue::UploadPlan`) and the plan's
//! decisions into work: conversions for the worker pool, batches for the page, entries for the
//! journal and the upload memory.

use super::download::download;
use super::handles;
use super::intake::Picked;
use super::view::{ControlsView, ResumeOffer, RowView, SummaryView, View};
use crate::protocol::{
    BatchFile, Diagnostics, FromPage, FromWorker, PageOutcome, PageStatus, ToPage, ToWorker,
};
use crate::queue::{
    report_csv, report_json, BatchNames, FileId, FileState, JournalEntry, PlanState, Stats,
    UploadPlan,
};
use crate::web::i18n::text;
use crate::web::messages::from_js;
use crate::web::page_link::PageLink;
use crate::web::pool::{Pool, WorkerSignal};
use crate::web::store::{self, JournalMeta, Loaded, Settings};
use js_sys::{ArrayBuffer, Reflect};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, MessagePort};

pub enum Event {
    Picked(Vec<Picked>),
    /// A dropped folder is being read: this many files found so far.
    Reading(usize),
    /// Files read back from the handles the browser kept for an interrupted upload.
    Resumed(Vec<Picked>),
    /// The names of kept handles the browser no longer lets us read (it was restarted).
    DroppedBefore(Vec<String>),
    PickRequested(String),
    Control(String),
    SetUploadDuplicates(bool),
    Worker(WorkerSignal),
    Connected(MessagePort),
    Page(JsValue),
    ToggleExpanded,
    Scrolled,
    Tick,
    Thumbnail(FileId, String),
    /// A journal write failed: its entries, back to be written again, and the browser's reason.
    StorageFailed(Vec<JournalEntry>, String),
    /// Whether the diagnostics report reached the clipboard.
    DiagnosticsCopied(bool),
}

/// After iCloud answers 401 the page needs a moment to show its sign-in view; until it has (or
/// this long has passed) no batch is handed over, so the files are not thrown at a dead session.
const SESSION_HOLD_MS: u64 = 30_000;
/// After the page refused a batch (its app was not ready after all), the next try waits this long.
const REFUSED_HOLD_MS: u64 = 2_000;

/// An original JPEG bigger than this gets no thumbnail (the browser would decode it whole).
const THUMBNAIL_MAX_ORIGINAL_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// A converted file waiting for (or in) its upload. Kept until the page confirms it, so that a
/// retry does not need another conversion.
struct Output {
    bytes: OutputBytes,
    name: String,
    media_type: String,
}

/// What goes to the page for a file.
enum OutputBytes {
    /// The converted JPEG, in the panel's memory.
    Converted(ArrayBuffer),
    /// The file goes up unchanged (a JPEG, a video): the user's own `File`, a handle that is never
    /// read into memory here; the page gets the same handle.
    Original(File),
}

pub struct Driver {
    view: View,
    pool: Pool,
    link: PageLink,
    plan: UploadPlan,
    settings: Settings,
    /// The user's files, by plan id: handles, not bytes (kept for "retry failed").
    originals: HashMap<FileId, File>,
    outputs: HashMap<FileId, Output>,
    /// What a row says besides its state ("Converted from HEIC").
    notes: HashMap<FileId, String>,
    progress: HashMap<FileId, f64>,
    page_status: PageStatus,
    /// The page no longer uploads in a way this version recognises: nothing more is handed over
    /// until it is loaded again.
    page_changed: Option<Diagnostics>,
    /// No batch goes to the page before this time (see SESSION_HOLD_MS).
    hold_batches_until: u64,
    expanded: bool,
    batches_sent: u32,
    journal: Option<JournalMeta>,
    /// An interrupted upload found in the journal, until its files are given again or discarded.
    resume_offer: Option<ResumeOffer>,
    title: String,
    thumbnails: HashMap<FileId, String>,
    /// Delivers events that finish later (thumbnails) back to this driver.
    sender: Rc<dyn Fn(Event)>,
    /// Journal entries a failed storage write gave back, written again once the user resumes.
    unwritten: Vec<JournalEntry>,
    /// Why storage refused the last write; the queue stays paused until the user resumes.
    storage_error: Option<String>,
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
            ext[1..].to_ascii_uppercase()
        )
    })
}

fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string("default", &options).into()
}

fn minutes_left(ms: u64) -> String {
    let minutes = ms.div_ceil(60_000);
    if minutes <= 1 {
        text("eta_under_a_minute", &[])
    } else {
        text("eta_minutes", &[&minutes.to_string()])
    }
}

impl Driver {
    pub fn new(view: View, pool: Pool, loaded: Loaded, sender: Rc<dyn Fn(Event)>) -> Driver {
        let settings = loaded.settings;
        let config = settings.plan_config(pool.size());
        let mut journal = loaded.journal_meta;
        let mut resume_offer = None;
        let mut plan = None;
        if !loaded.journal.is_empty() {
            match UploadPlan::replay(config.clone(), &loaded.journal) {
                Ok(resume) => {
                    let s = resume.plan.summary();
                    if s.awaiting_original > 0 {
                        resume_offer = Some(ResumeOffer {
                            waiting: s.awaiting_original,
                            uploaded: s.uploaded,
                            started: journal
                                .as_ref()
                                .map_or_else(String::new, |m| local_time(m.started_ms)),
                            dropped: Vec::new(),
                        });
                        plan = Some(resume.plan);
                    }
                }
                Err(error) => web_sys::console::warn_1(
                    &format!("photolift: the journal could not be replayed: {error}").into(),
                ),
            }
            if plan.is_none() {
                if let Some(meta) = journal.take() {
                    store::clear_journal(&meta);
                }
            }
        }
        if resume_offer.is_none() {
            // Handles kept for an upload that is over (or was never journaled) are stale.
            handles::forget();
        }
        let mut plan = plan.unwrap_or_else(|| {
            UploadPlan::new(config).expect("the plan config from settings is valid")
        });
        plan.remember_uploads(loaded.uploaded);
        let mut driver = Driver {
            view,
            pool,
            link: PageLink::new(),
            plan,
            settings,
            originals: HashMap::new(),
            outputs: HashMap::new(),
            notes: HashMap::new(),
            progress: HashMap::new(),
            page_status: PageStatus::Loading,
            page_changed: None,
            hold_batches_until: 0,
            expanded: true,
            batches_sent: 0,
            journal,
            resume_offer,
            title: String::new(),
            thumbnails: HashMap::new(),
            sender,
            unwritten: Vec::new(),
            storage_error: None,
        };
        let resumed: Vec<FileId> = driver.plan.files().map(|f| f.id).collect();
        if let Err(error) = driver.render_rows(resumed).and_then(|_| driver.render()) {
            web_sys::console::error_2(&"photolift panel:".into(), &error);
        }
        driver
    }

    pub fn handle(&mut self, event: Event) -> Result<(), JsValue> {
        match event {
            Event::Picked(picked) => {
                self.view.set_reading(None);
                self.add_files(picked)
            }
            Event::Reading(found) => self.view.set_reading(Some(found)),
            Event::Resumed(picked) => self.take_back_originals(picked),
            Event::DroppedBefore(mut names) => {
                // A drop of loose files keeps one handle per file: name a few, count the rest.
                names.sort();
                names.dedup();
                if names.len() > 3 {
                    let more = names.len() - 3;
                    names.truncate(3);
                    names.push(format!("+{more}"));
                }
                if let Some(offer) = &mut self.resume_offer {
                    offer.dropped = names;
                }
            }
            Event::PickRequested(action) => self.open_picker(&action),
            Event::Control(action) => self.on_control(&action)?,
            Event::SetUploadDuplicates(on) => {
                self.settings.upload_duplicates = on;
                self.plan.set_upload_duplicates(on);
                store::save_settings(&self.settings);
            }
            Event::Worker(signal) => self.on_worker(signal)?,
            Event::Connected(port) => {
                self.link.connect(port);
                self.link.send(&ToPage::Hello)?;
                self.title.clear();
            }
            Event::Page(data) => self.on_page(from_js(data)?)?,
            Event::ToggleExpanded => self.set_expanded(!self.expanded)?,
            Event::Scrolled => self.view.on_scroll()?,
            Event::Tick => {
                self.plan.check_timeouts(now_ms());
            }
            Event::DiagnosticsCopied(ok) => self.view.page_changed.copied(ok),
            Event::Thumbnail(id, url) => {
                self.thumbnails.insert(id, url);
                self.render_rows(vec![id])?;
            }
            Event::StorageFailed(mut entries, reason) => {
                // Nothing more may be confirmed that the journal cannot record: pause and say why.
                entries.append(&mut self.unwritten);
                self.unwritten = entries;
                self.plan.pause();
                self.view
                    .set_notice(Some(&text("storage_failed", &[&reason])))?;
                self.storage_error = Some(reason);
            }
        }
        self.pump()?;
        self.persist();
        self.render()
    }

    /// Puts the diagnostics report on the clipboard; the button says whether it got there.
    fn copy_diagnostics(&self) {
        let Some(report) = self.page_changed.as_ref().map(Diagnostics::as_text) else {
            return;
        };
        let sender = self.sender.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let ok = super::clipboard::write_text(&report).await.is_ok();
            sender(Event::DiagnosticsCopied(ok));
        });
    }

    fn open_picker(&self, action: &str) {
        if action == "pick-folder" {
            self.view.folder_input.click();
        } else {
            self.view.files_input.click();
        }
    }

    fn on_control(&mut self, action: &str) -> Result<(), JsValue> {
        match action {
            "pause" => self.plan.pause(),
            "resume" => {
                // The user resumes: storage is tried again with what it refused before.
                if self.storage_error.take().is_some() {
                    self.view.set_notice(None)?;
                }
                self.plan.resume()
            }
            "cancel" => {
                self.plan.cancel();
                self.outputs.clear();
            }
            "retry-failed" => {
                self.plan.retry_failed();
            }
            "export-csv" => download("photolift-report.csv", "text/csv", &report_csv(&self.plan))?,
            "export-json" => download(
                "photolift-report.json",
                "application/json",
                &report_json(&self.plan),
            )?,
            "clear-memory" => {
                self.plan.forget_uploaded();
                wasm_bindgen_futures::spawn_local(async {
                    if let Err(error) = store::forget_uploaded().await {
                        web_sys::console::warn_2(&"photolift: forgetting failed".into(), &error);
                    }
                });
            }
            "copy-diagnostics" => self.copy_diagnostics(),
            "resume-pick" => self.open_picker("pick-files"),
            "resume-pick-folder" => self.open_picker("pick-folder"),
            "resume-discard" => {
                // The interrupted upload's remaining files will not come back: close them (and
                // only them: files added since carry on).
                self.plan.cancel_awaiting_originals();
                handles::forget();
                self.resume_offer = None;
                self.view.set_resume_offer(None)?;
            }
            other => {
                web_sys::console::warn_1(&format!("photolift: unknown control {other}").into())
            }
        }
        Ok(())
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
            let size = file.size() as u64;
            let last_modified = file.last_modified() as u64;
            // A file of an interrupted upload, given again: it takes up its old place.
            if let Some(id) = self.plan.match_resumed_file(&path, size, last_modified) {
                self.originals.insert(id, file);
                continue;
            }
            let id = self.plan.add_file(path.as_str(), size, last_modified);
            if let Some(reason) = not_media_reason(&path) {
                logged(self.plan.skip(id, reason));
            } else {
                self.originals.insert(id, file);
            }
        }
        self.update_resume_offer();
    }

    /// Whether an interrupted upload waits for its files.
    pub fn awaits_originals(&self) -> bool {
        self.resume_offer.is_some()
    }

    /// The interrupted upload's own files, read back without asking: only files of that upload are
    /// taken (a kept folder may hold photos added since, which the user never dropped).
    fn take_back_originals(&mut self, picked: Vec<Picked>) {
        for Picked { file, path } in picked {
            let size = file.size() as u64;
            if let Some(id) = self
                .plan
                .match_resumed_file(&path, size, file.last_modified() as u64)
            {
                self.originals.insert(id, file);
            }
        }
        self.update_resume_offer();
    }

    fn update_resume_offer(&mut self) {
        let waiting = self.plan.summary().awaiting_original;
        match &mut self.resume_offer {
            Some(_) if waiting == 0 => {
                self.resume_offer = None;
                let _ = self.view.set_resume_offer(None);
            }
            Some(offer) => offer.waiting = waiting,
            None => {}
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
                        let output_bytes = match (unchanged, self.originals.get(&id)) {
                            (true, Some(original)) => OutputBytes::Original(original.clone()),
                            (false, _) if bytes.is_instance_of::<ArrayBuffer>() => {
                                OutputBytes::Converted(bytes.unchecked_into())
                            }
                            _ => {
                                let reason = "the file is no longer available";
                                logged(self.plan.conversion_failed(id, reason));
                                return Ok(());
                            }
                        };
                        if !media_type.starts_with("video/") {
                            self.make_thumbnail(id, &output_bytes, &media_type);
                        }
                        let held = match &output_bytes {
                            OutputBytes::Converted(buffer) => u64::from(buffer.byte_length()),
                            OutputBytes::Original(_) => 0,
                        };
                        let output = Output {
                            bytes: output_bytes,
                            name,
                            media_type,
                        };
                        self.outputs.insert(id, output);
                        logged(
                            self.plan
                                .converted_holding(id, &content_key, held, now_ms()),
                        );
                        if self.plan.file(id).map(|f| f.state) != Some(FileState::Ready) {
                            self.outputs.remove(&id);
                        }
                    }
                    FromWorker::Failed {
                        job,
                        reason,
                        not_media,
                    } => {
                        self.pool.finish(slot);
                        let id = FileId(job);
                        if not_media {
                            logged(self.plan.conversion_skipped(id, reason));
                        } else {
                            logged(self.plan.conversion_failed(id, reason));
                        }
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

    fn make_thumbnail(&self, id: FileId, bytes: &OutputBytes, media_type: &str) {
        let blob = match bytes {
            OutputBytes::Converted(buffer) => {
                let options = web_sys::BlobPropertyBag::new();
                options.set_type(media_type);
                let parts = js_sys::Array::of1(buffer);
                web_sys::Blob::new_with_buffer_source_sequence_and_options(&parts, &options)
            }
            // A huge original is not decoded just for a thumbnail.
            OutputBytes::Original(file) if file.size() <= THUMBNAIL_MAX_ORIGINAL_BYTES => {
                Ok(file.clone().into())
            }
            OutputBytes::Original(_) => return,
        };
        let (Ok(blob), sender) = (blob, self.sender.clone()) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            // A photo the browser cannot show small just keeps its placeholder.
            if let Ok(url) = super::thumbnail::thumbnail(&blob).await {
                sender(Event::Thumbnail(id, url));
            }
        });
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
            FromPage::Connect { .. } => {}
            FromPage::PageStatus { status } => {
                if status != PageStatus::Ready && status != PageStatus::OtherView {
                    // The page has shown what went wrong; the hold has done its job.
                    self.hold_batches_until = 0;
                }
                self.page_status = status;
                let notice = match status {
                    PageStatus::Ready => None,
                    PageStatus::OtherView => Some(text("page_other_view", &[])),
                    PageStatus::SignedOut => Some(text("page_signed_out", &[])),
                    PageStatus::NoWebAccess => Some(text("page_no_web_access", &[])),
                    PageStatus::Loading => Some(text("page_no_app", &[])),
                    PageStatus::Outdated => Some(text("page_outdated", &[])),
                };
                let notice = self
                    .storage_error
                    .as_ref()
                    .map(|reason| text("storage_failed", &[reason]))
                    .or(notice);
                self.view.set_notice(notice.as_deref())?;
            }
            FromPage::Show => self.set_expanded(true)?,
            FromPage::BatchHanded { .. } => {}
            FromPage::BatchRefused { batch, status } => {
                web_sys::console::warn_1(
                    &format!("photolift: batch {batch} refused ({status})").into(),
                );
                self.plan.batch_refused();
                // The page was not ready after all: ask again in a moment, not on every tick.
                self.hold_batches_until = now_ms() + REFUSED_HOLD_MS;
            }
            FromPage::PageActivity { .. } => self.plan.upload_progress(now_ms()),
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
                status,
                message,
            } => self.on_file_result(FileId(id), outcome, status, &message),
            FromPage::PageChanged { diagnostics } => {
                // Guess nothing: the files in flight go back to waiting, none failed, none
                // remembered as uploaded.
                self.plan.batch_refused();
                self.view
                    .page_changed
                    .render(Some(&diagnostics.as_text()))?;
                self.page_changed = Some(diagnostics);
            }
        }
        Ok(())
    }

    fn on_file_result(&mut self, id: FileId, outcome: PageOutcome, status: u16, message: &str) {
        let now = now_ms();
        self.progress.remove(&id);
        // What iCloud said, in the user's words: Apple's own message when it gave one.
        let reason = match (status, message.is_empty()) {
            (0, _) => text("upload_connection_lost", &[]),
            (_, true) => text("icloud_answered", &[&status.to_string()]),
            (_, false) => text("icloud_said", &[message, &status.to_string()]),
        };
        let result = match outcome {
            PageOutcome::Uploaded => self.plan.upload_succeeded(id, now),
            PageOutcome::AlreadyThere => {
                self.notes.insert(id, text("already_in_library", &[]));
                self.plan.upload_already_there(id, now)
            }
            PageOutcome::SignedOut => {
                self.hold_batches_until = now + SESSION_HOLD_MS;
                self.plan.upload_interrupted(id)
            }
            PageOutcome::Outdated => self.plan.upload_interrupted(id),
            PageOutcome::Refused => self
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
        }
    }

    fn page_takes_batches(&self, now: u64) -> bool {
        // In another view (Albums) the content script opens the Library to hand the files over.
        let ready = matches!(self.page_status, PageStatus::Ready | PageStatus::OtherView);
        self.link.is_connected()
            && ready
            && self.page_changed.is_none()
            && now >= self.hold_batches_until
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
                quality: self.settings.quality,
                date_rescue: self.settings.date_rescue,
                hdr_gain_map: self.settings.hdr_gain_map,
            };
            if !self.pool.submit(id.0, file, &message)? {
                logged(self.plan.conversion_failed(id, "no converter was free"));
            }
        }
        if self.page_takes_batches(now) {
            if let Some(batch) = self.plan.next_batch(now) {
                // The journal must say "handed to the page" before the page has the files.
                self.persist();
                self.send_batch(batch)?;
            }
        }
        Ok(())
    }

    fn send_batch(&mut self, ids: Vec<FileId>) -> Result<(), JsValue> {
        self.batches_sent += 1;
        let mut files: Vec<BatchFile> = Vec::with_capacity(ids.len());
        let mut payloads: Vec<JsValue> = Vec::with_capacity(ids.len());
        let mut names_in_batch = BatchNames::default();
        for id in ids {
            let (Some(output), Some(original)) = (self.outputs.get(&id), self.originals.get(&id))
            else {
                let reason = "the converted file was lost; drop it again";
                logged(self.plan.upload_rejected(id, reason));
                continue;
            };
            let last_modified = original.last_modified();
            files.push(BatchFile {
                id: id.0,
                name: names_in_batch.unique(&output.name, last_modified),
                media_type: output.media_type.clone(),
                last_modified,
            });
            payloads.push(match &output.bytes {
                // A copy crosses to the page; ours stays for a retry until the page confirms it.
                OutputBytes::Converted(buffer) => buffer.slice(0).into(),
                // A handle crosses (cloned, no bytes read); the page builds its File from it.
                OutputBytes::Original(file) => file.clone().into(),
            });
        }
        let batch = self.batches_sent;
        self.link
            .send_with(&ToPage::UploadBatch { batch, files }, payloads)
    }

    /// Writes what the plan recorded to the journal, and uploads to the memory (in the same
    /// storage write); drops the journal once the upload it describes is over.
    fn persist(&mut self) {
        self.unwritten.append(&mut self.plan.take_journal());
        if !self.unwritten.is_empty() && self.storage_error.is_none() {
            let entries = std::mem::take(&mut self.unwritten);
            let meta = self
                .journal
                .get_or_insert_with(|| JournalMeta::new(js_sys::Date::now()));
            let sender = self.sender.clone();
            store::append_journal(meta, &entries, move |entries, reason| {
                sender(Event::StorageFailed(entries, reason))
            });
        }
        let summary = self.plan.summary();
        let all_written = self.unwritten.is_empty() && self.storage_error.is_none();
        if summary.state == PlanState::Done && summary.awaiting_original == 0 && all_written {
            if let Some(meta) = self.journal.take() {
                store::clear_journal(&meta);
                handles::forget();
            }
        }
    }

    fn render_rows(&mut self, ids: Vec<FileId>) -> Result<(), JsValue> {
        for id in ids {
            let Some(file) = self.plan.file(id) else {
                continue;
            };
            // The panel contract has no "ready": a converted file waiting for its batch shows as queued.
            let state = match file.state {
                FileState::Ready => "queued",
                other => other.as_str(),
            };
            let waiting_original = text("waiting_for_original", &[]);
            // A finished file of an interrupted upload needs nothing more from the user.
            let note = if file.needs_original && !file.state.is_final() {
                waiting_original.as_str()
            } else {
                self.notes.get(&id).map(String::as_str).unwrap_or("")
            };
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
                thumbnail: self.thumbnails.get(&id).map(String::as_str),
            };
            self.view.render_row(id.0, &row)?;
        }
        self.view.flush()
    }

    fn render(&mut self) -> Result<(), JsValue> {
        let changed = self.plan.take_changes();
        self.render_rows(changed)?;
        let now = now_ms();
        let s = self.plan.summary();
        let waiting_for_page = s.state == PlanState::Running
            && (s.ready + s.uploading) > 0
            && !self.page_takes_batches(now);
        let state = match s.state {
            _ if self.page_changed.is_some() => "page-changed",
            PlanState::Idle => "idle",
            PlanState::Running if waiting_for_page => "paused",
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
        let stats = Stats::from_plan(&self.plan, now);
        let stats_line = match (state, stats.eta_ms) {
            ("running", Some(eta)) if stats.uploaded_files > 0 => text(
                "stats_line",
                &[
                    &format!("{:.0}", stats.photos_per_minute),
                    &format!("{:.1}", stats.bytes_per_second / 1_000_000.0),
                    &minutes_left(eta),
                ],
            ),
            _ => String::new(),
        };
        self.view.render_summary(&SummaryView {
            total: s.total,
            uploaded: s.uploaded,
            skipped: s.skipped,
            failed: s.failed,
            state,
            line,
            stats_line,
        })?;
        self.view.render_controls(&ControlsView {
            state,
            failed: s.failed,
            total: s.total,
            upload_duplicates: self.settings.upload_duplicates,
        })?;
        if let Some(offer) = &self.resume_offer {
            self.view.set_resume_offer(Some(offer))?;
        }
        let title = match state {
            "running" | "paused" => format!("↑ {}/{}", s.uploaded + s.skipped + s.failed, s.total),
            _ => String::new(),
        };
        if title != self.title && self.link.is_connected() {
            self.link.send(&ToPage::SetTitle {
                title: title.clone(),
            })?;
            self.title = title;
        }
        Ok(())
    }
}
