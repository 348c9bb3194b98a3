//! The panel's side of the page: the link to the content script, what the page last said about
//! itself (status, page changed), when it may take the next batch, sending batches, the files'
//! upload progress and results, and the tab title.

use super::conversions::{logged, now_ms, Conversions, OutputBytes};
use crate::protocol::{BatchFile, Diagnostics, FromPage, PageOutcome, PageStatus, ToPage};
use crate::queue::{BatchNames, FileId, FileState, PageAnswer, Reason, UploadPlan};
use crate::web::i18n::text;
use crate::web::page_link::PageLink;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use web_sys::MessagePort;

/// After iCloud answers 401 the page needs a moment to show its sign-in view; until it has (or
/// this long has passed) no batch is handed over, so the files are not thrown at a dead session.
const SESSION_HOLD_MS: u64 = 30_000;
/// After the page refused a batch (its app was not ready after all), the next try waits this long.
const REFUSED_HOLD_MS: u64 = 2_000;

/// What the page said that the rest of the panel must show.
pub enum PageSaid {
    Nothing,
    /// The page's status changed: the notice says why the panel waits (`None`: it does not).
    Status(Option<String>),
    /// The page asks to show the panel.
    Show,
    /// The page no longer uploads in a way this version knows: show the diagnostics.
    Changed(String),
}

pub struct PageSession {
    link: PageLink,
    status: PageStatus,
    /// The page no longer uploads in a way this version recognises: nothing more is handed over
    /// until it is loaded again.
    changed: Option<Diagnostics>,
    /// No batch goes to the page before this time (see SESSION_HOLD_MS).
    hold_batches_until: u64,
    batches_sent: u32,
    /// A batch taken from the plan whose record in the journal is on its way to storage; the page
    /// gets it once the record has landed.
    recorded: Option<Vec<FileId>>,
    title: String,
    /// Upload progress (0.0–1.0) of the files the page is uploading.
    pub progress: HashMap<FileId, f64>,
}

impl PageSession {
    pub fn new() -> PageSession {
        PageSession {
            link: PageLink::new(),
            status: PageStatus::Loading,
            changed: None,
            hold_batches_until: 0,
            batches_sent: 0,
            recorded: None,
            title: String::new(),
            progress: HashMap::new(),
        }
    }

    pub fn connect(&mut self, port: MessagePort) -> Result<(), JsValue> {
        self.link.connect(port);
        self.link.send(&ToPage::Hello)?;
        self.title.clear();
        Ok(())
    }

    pub fn is_connected(&self) -> bool {
        self.link.is_connected()
    }

    pub fn send(&self, message: &ToPage) -> Result<(), JsValue> {
        self.link.send(message)
    }

    /// The diagnostics of a page this version does not know, once it said so.
    pub fn changed(&self) -> Option<&Diagnostics> {
        self.changed.as_ref()
    }

    /// What the page last said of itself (signed out, ready, …).
    pub fn status(&self) -> PageStatus {
        self.status
    }

    /// When the hold on batches ends, while there is one.
    pub fn hold_until(&self, now: u64) -> Option<u64> {
        (self.hold_batches_until > now).then_some(self.hold_batches_until)
    }

    /// Whether the page may be handed the next batch now.
    pub fn takes_batches(&self, now: u64) -> bool {
        // In another view (Albums) the content script opens the Library to hand the files over.
        let ready = matches!(self.status, PageStatus::Ready | PageStatus::OtherView);
        self.link.is_connected()
            && ready
            && self.changed.is_none()
            && now >= self.hold_batches_until
    }

    pub fn on_page(
        &mut self,
        message: FromPage,
        plan: &mut UploadPlan,
        conversions: &mut Conversions,
    ) -> PageSaid {
        match message {
            FromPage::Connect { .. } | FromPage::BatchHanded { .. } => PageSaid::Nothing,
            FromPage::PageStatus { status } => {
                if status != PageStatus::Ready && status != PageStatus::OtherView {
                    // The page has shown what went wrong; the hold has done its job.
                    self.hold_batches_until = 0;
                }
                self.status = status;
                PageSaid::Status(match status {
                    PageStatus::Ready => None,
                    PageStatus::OtherView => Some(text("page_other_view", &[])),
                    PageStatus::SignedOut => Some(text("page_signed_out", &[])),
                    PageStatus::NoWebAccess => Some(text("page_no_web_access", &[])),
                    PageStatus::Loading => Some(text("page_no_app", &[])),
                    PageStatus::Outdated => Some(text("page_outdated", &[])),
                })
            }
            FromPage::Show => PageSaid::Show,
            FromPage::BatchRefused { batch, status } => {
                web_sys::console::warn_1(
                    &format!("photolift: batch {batch} refused ({status})").into(),
                );
                plan.batch_refused();
                // The page was not ready after all: ask again in a moment, not on every tick.
                self.hold_batches_until = now_ms() + REFUSED_HOLD_MS;
                PageSaid::Nothing
            }
            FromPage::PageActivity { .. } => {
                plan.upload_progress(now_ms());
                PageSaid::Nothing
            }
            FromPage::FileProgress { id, loaded, total } => {
                if total > 0.0 {
                    self.progress.insert(FileId(id), loaded / total);
                }
                plan.upload_progress(now_ms());
                PageSaid::Nothing
            }
            FromPage::FileResult {
                id,
                outcome,
                status,
                message,
            } => {
                let id = FileId(id);
                self.on_file_result(plan, conversions, id, outcome, status, &message);
                PageSaid::Nothing
            }
            FromPage::PageChanged { diagnostics } => {
                // Guess nothing: the files in flight go back to waiting, none failed, none
                // remembered as uploaded.
                plan.batch_refused();
                let report = diagnostics.as_text();
                self.changed = Some(diagnostics);
                PageSaid::Changed(report)
            }
        }
    }

    fn on_file_result(
        &mut self,
        plan: &mut UploadPlan,
        conversions: &mut Conversions,
        id: FileId,
        outcome: PageOutcome,
        status: u16,
        message: &str,
    ) {
        let now = now_ms();
        self.progress.remove(&id);
        // What iCloud said: Apple's own message when it gave one.
        let answer = PageAnswer::from_page(status, message);
        let result = match outcome {
            PageOutcome::Uploaded => plan.upload_succeeded(id, now),
            PageOutcome::AlreadyThere => {
                conversions
                    .notes
                    .insert(id, text("already_in_library", &[]));
                plan.upload_already_there(id, now)
            }
            PageOutcome::SignedOut => {
                self.hold_batches_until = now + SESSION_HOLD_MS;
                plan.upload_interrupted(id)
            }
            PageOutcome::Outdated => plan.upload_interrupted(id),
            PageOutcome::Refused => plan.upload_rejected(id, Reason::Refused { answer }),
            PageOutcome::Failed => plan
                .upload_failed(id, Reason::UploadFailed { answer }, now)
                .map(drop),
            PageOutcome::NeverStarted => {
                plan.upload_failed(id, Reason::NeverStarted, now).map(drop)
            }
        };
        logged(result);
        conversions.release_if_final(plan, id);
    }

    /// Takes the plan's next batch when the page takes one, and has `persist` write what the
    /// journal says of it ("handed to the page"). The page gets the files from
    /// `hand_over_recorded`, once that write has landed: a reload loses a write still on its way,
    /// and a batch the journal never heard of would be called "waiting" (or "cancelled") while it
    /// may be in iCloud Photos.
    pub fn take_next_batch(
        &mut self,
        plan: &mut UploadPlan,
        persist: impl FnOnce(&mut UploadPlan),
    ) {
        let now = now_ms();
        if self.recorded.is_some() || !self.takes_batches(now) {
            return;
        }
        if let Some(ids) = plan.next_batch(now) {
            persist(plan);
            self.recorded = Some(ids);
        }
    }

    /// Hands the batch `take_next_batch` took to the page. Call only once storage holds every
    /// journal write sent so far.
    pub fn hand_over_recorded(
        &mut self,
        plan: &mut UploadPlan,
        conversions: &Conversions,
    ) -> Result<(), JsValue> {
        if !self.takes_batches(now_ms()) {
            return Ok(());
        }
        let Some(ids) = self.recorded.take() else {
            return Ok(());
        };
        let mut files: Vec<BatchFile> = Vec::with_capacity(ids.len());
        let mut payloads: Vec<JsValue> = Vec::with_capacity(ids.len());
        let mut names_in_batch = BatchNames::default();
        for id in ids {
            // A file that left the batch while its record was written (timed out, cancelled)
            // stays here.
            if plan.file(id).map(|file| file.state) != Some(FileState::Uploading) {
                continue;
            }
            let (Some(output), Some(original)) =
                (conversions.outputs.get(&id), conversions.originals.get(&id))
            else {
                logged(plan.upload_rejected(id, Reason::OutputLost));
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
                // A handle crosses (no bytes copied); ours stays for a retry until the page
                // confirms it.
                OutputBytes::Converted(blob) => blob.clone().into(),
                // A handle crosses (cloned, no bytes read); the page builds its File from it.
                OutputBytes::Original(file) => file.clone().into(),
            });
        }
        if files.is_empty() {
            return Ok(());
        }
        self.batches_sent += 1;
        let batch = self.batches_sent;
        crate::web::trace::mark("batch", batch);
        self.link
            .send_with(&ToPage::UploadBatch { batch, files }, payloads)
    }

    /// Shows `title` in the tab (progress while uploading; empty restores the page's own).
    pub fn set_title(&mut self, title: String) -> Result<(), JsValue> {
        if title != self.title && self.link.is_connected() {
            self.link.send(&ToPage::SetTitle {
                title: title.clone(),
            })?;
            self.title = title;
        }
        Ok(())
    }
}
