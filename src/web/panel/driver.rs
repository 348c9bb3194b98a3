//! The panel's coordinator: every `Event` comes here, goes to the part whose job it is (the plan,
//! `conversions`, `page_session`, `resume`), and then the driver starts what can start (`pump`),
//! writes the journal (`persist`) and shows the result (`present`).

use super::conversions::{logged, now_ms, Conversions};
use super::event::{Action, Event, Picked, Sender};
use super::handles;
use super::news::{NewsShell, StorageNow};
use super::page_session::{PageSaid, PageSession};
use super::present;
use super::resume;
use super::view::{ResumeOffer, View};
use crate::panel_model::{skipped_by_name, Settings};
use crate::protocol::{Diagnostics, ToPage};
use crate::queue::{report_csv, report_json, JournalEntry, PlanState, UploadPlan};
use crate::web::dom::download;
use crate::web::i18n::{reason_text, text};
use crate::web::messages::from_js;
use crate::web::pool::Pool;
use crate::web::store::{self, JournalMeta, Loaded, StorageChange};
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;

pub struct Driver {
    view: View,
    plan: UploadPlan,
    settings: Settings,
    conversions: Conversions,
    page: PageSession,
    journal: Journal,
    /// An interrupted upload found in the journal, until its files are given again or discarded.
    resume_offer: Option<ResumeOffer>,
    expanded: bool,
    /// Delivers events that finish later (clipboard, the clock) back to this driver.
    sender: Sender,
    /// The one timer: set for the earliest moment the clock alone changes what to do.
    wake: Option<(u64, Timeout)>,
    /// The toolbar badge and notifications.
    news: NewsShell,
    /// The control just used, whose focus is looked after once the panel has been drawn.
    focus_after: Option<Action>,
}

/// A wake-up that is due while nothing can move (the page takes no batch yet) is tried again
/// after this long, not in a busy loop.
const RETRY_WAKE_MS: u64 = 500;

/// The journal in storage, and what could not be written to it yet.
struct Journal {
    meta: Option<JournalMeta>,
    /// Journal entries a failed storage write gave back, written again once the user resumes.
    unwritten: Vec<JournalEntry>,
    /// Why storage refused the last write; the queue stays paused until the user resumes.
    storage_error: Option<String>,
    /// Journal writes sent to storage and not yet landed. The next batch waits for them: a
    /// reload loses a write still on its way (measured in Firefox), and confirmations lost so
    /// would send more than the batch in flight again.
    writes_pending: usize,
    sender: Sender,
}

impl Journal {
    /// Whether storage holds everything the journal was told: no write on its way, none refused.
    fn all_landed(&self) -> bool {
        self.writes_pending == 0 && self.unwritten.is_empty() && self.storage_error.is_none()
    }

    /// Writes what the plan recorded to the journal, and uploads to the memory (in the same
    /// storage write); drops the journal once the upload it describes is over.
    fn persist(&mut self, plan: &mut UploadPlan) {
        self.unwritten.append(&mut plan.take_journal());
        if !self.unwritten.is_empty() && self.storage_error.is_none() {
            let entries = std::mem::take(&mut self.unwritten);
            let meta = self
                .meta
                .get_or_insert_with(|| JournalMeta::new(js_sys::Date::now()));
            let (failed, written) = (self.sender.clone(), self.sender.clone());
            self.writes_pending += 1;
            store::append_journal(
                meta,
                &entries,
                move |entries, reason| failed(Event::StorageFailed(entries, reason)),
                move || written(Event::JournalWritten),
            );
        }
        let summary = plan.summary();
        let all_written = self.unwritten.is_empty() && self.storage_error.is_none();
        if summary.state == PlanState::Done && summary.awaiting_original == 0 && all_written {
            if let Some(meta) = self.meta.take() {
                store::clear_journal(&meta);
                handles::forget();
            }
        }
    }
}

impl Driver {
    pub fn new(view: View, pool: Pool, loaded: Loaded, sender: Sender) -> Driver {
        let settings = loaded.settings.clone();
        let config = settings.plan_config(pool.size());
        let mut meta = loaded.journal_meta.clone();
        let (plan, resume_offer) = resume::restore(config, loaded, &mut meta);
        let mut driver = Driver {
            view,
            plan,
            settings,
            conversions: Conversions::new(pool, sender.clone()),
            page: PageSession::new(),
            journal: Journal {
                meta,
                unwritten: Vec::new(),
                storage_error: None,
                writes_pending: 0,
                sender: sender.clone(),
            },
            resume_offer,
            expanded: true,
            sender,
            wake: None,
            news: NewsShell::new(),
            focus_after: None,
        };
        let resumed = driver.plan.files().map(|f| f.id).collect();
        let drawn = present::rows(
            &mut driver.view,
            &driver.plan,
            &driver.conversions,
            &driver.page,
            resumed,
        )
        .and_then(|_| driver.render());
        if let Err(error) = drawn {
            web_sys::console::error_2(&"photolift panel:".into(), &error);
        }
        driver
    }

    /// Whether an interrupted upload waits for its files.
    pub fn awaits_originals(&self) -> bool {
        self.resume_offer.is_some()
    }

    pub fn handle(&mut self, event: Event) -> Result<(), JsValue> {
        match event {
            Event::Picked(picked) => {
                self.view.set_reading(None);
                self.add_files(picked)
            }
            Event::Reading(found) => self.view.set_reading(Some(found)),
            Event::Resumed(picked) => {
                resume::take_back(&mut self.plan, &mut self.conversions, picked, true);
                resume::update_offer(&self.plan, &mut self.resume_offer, &self.view);
            }
            Event::DroppedBefore(names) => {
                if let Some(offer) = &mut self.resume_offer {
                    offer.dropped = resume::dropped_names(names);
                }
            }
            Event::Control(action) => {
                self.on_control(action)?;
                self.focus_after = Some(action);
            }
            Event::ListKey(key) => {
                self.view.list_key(&key)?;
            }
            Event::RowFocused(position) => self.view.row_focused(position)?,
            Event::Layout(message) => {
                if self.page.is_connected() {
                    self.page.send(&message)?;
                }
            }
            Event::SetUploadDuplicates(on) => {
                self.settings.upload_duplicates = on;
                self.plan.set_upload_duplicates(on);
                store::save_settings(&self.settings);
            }
            Event::Worker(signal) => self.conversions.on_worker(&mut self.plan, signal)?,
            Event::Connected(port) => self.page.connect(port)?,
            Event::Page(data) => {
                let message = from_js(data)?;
                match self
                    .page
                    .on_page(message, &mut self.plan, &mut self.conversions)
                {
                    PageSaid::Nothing => {}
                    PageSaid::Status(notice) => {
                        let notice = self
                            .journal
                            .storage_error
                            .as_ref()
                            .map(|reason| text("storage_failed", &[reason]))
                            .or(notice);
                        self.view.set_notice(notice.as_deref())?;
                    }
                    PageSaid::Show => {
                        // Shown by the toolbar or the context menu: an image chosen on a web
                        // page may be waiting.
                        super::web_images::take(self.sender.clone());
                        self.set_expanded(true)?
                    }
                    PageSaid::Changed(report) => self.view.page_changed.render(Some(&report))?,
                }
            }
            Event::ToggleExpanded => self.set_expanded(!self.expanded)?,
            Event::Scrolled => self.view.on_scroll()?,
            Event::Tick => {
                self.wake = None;
                self.plan.check_timeouts(now_ms());
            }
            Event::DiagnosticsCopied(ok) => self.view.page_changed.copied(ok),
            Event::WebImages(taken) => {
                super::web_images::add(&mut self.plan, &mut self.conversions, taken);
            }
            Event::Storage(change) => self.on_storage(change),
            Event::Thumbnail(id, url) => {
                self.conversions.thumbnails.insert(id, url);
                let (view, plan) = (&mut self.view, &self.plan);
                present::rows(view, plan, &self.conversions, &self.page, vec![id])?;
            }
            Event::JournalWritten => {
                self.journal.writes_pending = self.journal.writes_pending.saturating_sub(1);
            }
            Event::StorageFailed(mut entries, reason) => {
                self.journal.writes_pending = self.journal.writes_pending.saturating_sub(1);
                // Nothing more may be confirmed that the journal cannot record: pause and say why.
                entries.append(&mut self.journal.unwritten);
                self.journal.unwritten = entries;
                self.plan.pause();
                self.view
                    .set_notice(Some(&text("storage_failed", &[&reason])))?;
                self.journal.storage_error = Some(reason);
            }
        }
        self.pump()?;
        self.journal.persist(&mut self.plan);
        self.set_timer();
        self.render()?;
        // The control that was used may be gone now (Pause became Resume): focus goes to the one
        // in its place.
        match self.focus_after.take() {
            Some(action) => self.view.keep_focus(action),
            None => Ok(()),
        }
    }

    /// Sets the timer for the plan's next deadline or retry (`next_wake_ms`) or the end of the
    /// page's hold, whichever comes first; none when only an event can change anything.
    fn set_timer(&mut self) {
        let now = now_ms();
        let due = [self.plan.next_wake_ms(), self.page.hold_until(now)]
            .into_iter()
            .flatten()
            .min();
        let Some(due) = due else {
            self.wake = None;
            return;
        };
        let at = if due <= now { now + RETRY_WAKE_MS } else { due };
        if self
            .wake
            .as_ref()
            .is_some_and(|(set, _)| *set <= at && *set > now)
        {
            return;
        }
        let sender = self.sender.clone();
        let delay = u32::try_from(at - now).unwrap_or(u32::MAX);
        self.wake = Some((at, Timeout::new(delay, move || sender(Event::Tick))));
    }

    fn on_control(&mut self, action: Action) -> Result<(), JsValue> {
        match action {
            Action::PickFiles | Action::ResumePick => self.view.files_input.click(),
            Action::PickFolder | Action::ResumePickFolder => self.view.folder_input.click(),
            Action::Pause => self.plan.pause(),
            Action::Resume => {
                // The user resumes: storage is tried again with what it refused before.
                if self.journal.storage_error.take().is_some() {
                    self.view.set_notice(None)?;
                }
                self.plan.resume()
            }
            // Cancel asks first (the photos not yet uploaded would not be).
            Action::Cancel => {
                let s = self.plan.summary();
                let left = s.total - (s.uploaded + s.skipped + s.failed).min(s.total);
                self.view.set_confirm_cancel(true, left)?;
            }
            Action::CancelKeep => self.view.set_confirm_cancel(false, 0)?,
            Action::CancelConfirm => {
                self.view.set_confirm_cancel(false, 0)?;
                self.plan.cancel();
                self.conversions.outputs.clear();
            }
            Action::RetryFailed => {
                self.plan.retry_failed();
            }
            Action::ExportCsv => download(
                "photolift-report.csv",
                "text/csv",
                &report_csv(&self.plan, &reason_text),
            )?,
            Action::ExportJson => download(
                "photolift-report.json",
                "application/json",
                &report_json(&self.plan, &reason_text),
            )?,
            // The checkbox speaks through its own `change` (`Event::SetUploadDuplicates`).
            Action::UploadDuplicates => {}
            Action::ClearMemory => {
                self.plan.forget_uploaded();
                wasm_bindgen_futures::spawn_local(async {
                    if let Err(error) = store::forget_uploaded().await {
                        web_sys::console::warn_2(&"photolift: forgetting failed".into(), &error);
                    }
                });
            }
            Action::CopyDiagnostics => self.copy_diagnostics(),
            Action::ResumeDiscard => {
                // The interrupted upload's remaining files will not come back: close them (and
                // only them: files added since carry on).
                self.plan.cancel_awaiting_originals();
                handles::forget();
                self.resume_offer = None;
                self.view.set_resume_offer(None)?;
            }
        }
        Ok(())
    }

    /// What the options page changed applies from now on: to files converted from here (quality,
    /// date rescue), the next batch (its size), the next failure (tries), the next photo judged a
    /// duplicate; a batch in flight and photos already converted keep what they have.
    fn on_storage(&mut self, change: StorageChange) {
        match change {
            StorageChange::Settings(settings) => {
                let config = settings.plan_config(self.plan.config().max_converting);
                logged(self.plan.reconfigure(config));
                self.settings = settings;
            }
            StorageChange::MemoryForgotten => self.plan.forget_uploaded(),
            StorageChange::MemoryImported(records) => self.plan.remember_uploads(records),
            // Its own uploads.
            StorageChange::MemoryWritten => {}
        }
    }

    /// Puts the diagnostics report on the clipboard; the button says whether it got there.
    fn copy_diagnostics(&self) {
        let Some(report) = self.page.changed().map(Diagnostics::as_text) else {
            return;
        };
        let sender = self.sender.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let ok = super::clipboard::write_text(&report).await.is_ok();
            sender(Event::DiagnosticsCopied(ok));
        });
    }

    fn set_expanded(&mut self, expanded: bool) -> Result<(), JsValue> {
        self.expanded = expanded;
        self.view.set_expanded(expanded)?;
        if self.page.is_connected() {
            self.page.send(&ToPage::SetExpanded { expanded })?;
        }
        Ok(())
    }

    fn add_files(&mut self, picked: Vec<Picked>) {
        let new = resume::take_back(&mut self.plan, &mut self.conversions, picked, false);
        for Picked { file, path } in new {
            let (size, last_modified) = (file.size() as u64, file.last_modified() as u64);
            let id = self.plan.add_file(path.as_str(), size, last_modified);
            if let Some(reason) = skipped_by_name(&path) {
                logged(self.plan.skip(id, reason));
            } else {
                self.conversions.originals.insert(id, file);
            }
        }
        resume::update_offer(&self.plan, &mut self.resume_offer, &self.view);
    }

    /// Starts what can start: conversions on idle workers, and the next batch when the page is ready.
    fn pump(&mut self) -> Result<(), JsValue> {
        self.conversions.start(&mut self.plan, &self.settings)?;
        if !self.journal.all_landed() {
            // A batch goes to the page once what the journal says of it, and of the last one, is
            // in storage.
            return Ok(());
        }
        self.page
            .hand_over_recorded(&mut self.plan, &self.conversions)?;
        let journal = &mut self.journal;
        self.page
            .take_next_batch(&mut self.plan, |plan| journal.persist(plan));
        Ok(())
    }

    fn render(&mut self) -> Result<(), JsValue> {
        let storage = StorageNow {
            saving: self.journal.writes_pending > 0,
            failed: self.journal.storage_error.is_some(),
        };
        let changed = self.plan.take_changes();
        present::rows(
            &mut self.view,
            &self.plan,
            &self.conversions,
            &self.page,
            changed,
        )?;
        present::summary(
            &self.view,
            &self.plan,
            &mut self.page,
            self.settings.upload_duplicates,
            storage.saving,
        )?;
        if let Some(offer) = &self.resume_offer {
            self.view.set_resume_offer(Some(offer))?;
        }
        self.news.show(&self.plan, &self.page, storage);
        Ok(())
    }
}
