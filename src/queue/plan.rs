//! The upload plan: every file of a drop, what to convert next, what to hand to the page next,
//! and what happened. The web shell drives it with what workers and the page report; the plan
//! never waits, sleeps or reads a clock (times come in as `now_ms`).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

mod resume;

use super::batch::{pick_batch, BatchInFlight};
use super::config::{memory_estimate, PlanConfig};
use super::duplicates::{normalise_content_key, DuplicateIndex, DuplicateVerdict};
use super::error::QueueError;
use super::file_table::FileTable;
use super::journal::JournalEntry;
use super::memory::RememberedUpload;
use super::reason::Reason;
use super::state::{FileId, FileState, PlannedFile};

/// The plan as a whole, for the panel's summary (`data-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// No files, or nothing started yet.
    Idle,
    Running,
    Paused,
    /// Every file is uploaded, skipped or failed.
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub queued: usize,
    pub converting: usize,
    pub ready: usize,
    pub uploading: usize,
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Queued files restored from a journal whose original the user has not supplied again
    /// (included in `queued`).
    pub awaiting_original: usize,
    pub state: PlanState,
}

#[derive(Debug, Clone)]
pub struct UploadPlan {
    config: PlanConfig,
    /// Every file; the one door through which they change (see `file_table`).
    files: FileTable,
    next_id: u32,
    /// Every `Uploading` file belongs to this batch.
    batch: Option<BatchInFlight>,
    duplicates: DuplicateIndex,
    /// Restored files waiting for their original, by file name, size and modification time.
    awaiting_original: HashMap<resume::OriginalIdentity, BTreeSet<FileId>>,
    /// Restored files the journal shows handed to the page and never confirmed, by the content key
    /// it journaled for them: the upload memory may know better (see `remember_uploaded`).
    unconfirmed_by_key: HashMap<String, Vec<FileId>>,
    paused: bool,
    started_ms: Option<u64>,
    uploaded_this_session: usize,
    uploaded_bytes_this_session: u64,
    journal: Vec<JournalEntry>,
}

impl UploadPlan {
    pub fn new(config: PlanConfig) -> Result<UploadPlan, QueueError> {
        config.validate()?;
        Ok(UploadPlan {
            config,
            files: FileTable::default(),
            next_id: 0,
            batch: None,
            duplicates: DuplicateIndex::default(),
            awaiting_original: HashMap::new(),
            unconfirmed_by_key: HashMap::new(),
            paused: false,
            started_ms: None,
            uploaded_this_session: 0,
            uploaded_bytes_this_session: 0,
            journal: Vec::new(),
        })
    }

    pub fn config(&self) -> &PlanConfig {
        &self.config
    }

    // ----- intake -----------------------------------------------------------------------------

    /// Adds a dropped file; it waits in `Queued` for a worker.
    pub fn add_file(
        &mut self,
        name: impl Into<String>,
        size: u64,
        last_modified_ms: u64,
    ) -> FileId {
        let id = FileId(self.next_id);
        self.next_id += 1;
        let file = PlannedFile::new(id, name.into(), size, last_modified_ms);
        self.journal.push(JournalEntry::Added {
            id,
            name: file.name.clone(),
            size,
            last_modified_ms,
        });
        self.files.insert(file);
        id
    }

    /// Skips a queued file, e.g. one that is not a photo or video at all.
    pub fn skip(&mut self, id: FileId, reason: Reason) -> Result<(), QueueError> {
        let file = self.files.find(id)?;
        if file.state != FileState::Queued {
            return Err(QueueError::IllegalTransition {
                id,
                from: file.state,
                to: FileState::Skipped,
            });
        }
        self.finish_skipped(id, reason)
    }

    /// Loads one entry of the duplicate store (the upload memory): photolift uploaded `key` on
    /// `date` (YYYY-MM-DD, UTC).
    ///
    /// The memory hears of an upload only when the page confirms it. So a file restored by
    /// [`UploadPlan::replay`] as handed to the page and never confirmed, whose journaled content
    /// key the memory holds, *was* confirmed: the memory's write of it landed and the journal's
    /// did not (the tab died between two storage writes). It becomes `Uploaded` now (dated
    /// midnight UTC of `date`, and journaled, so the journal catches up) instead of going again
    /// and being skipped as "already in iCloud Photos via photolift" once converted. Load the
    /// memory after the replay, before taking files back.
    pub fn remember_uploaded(
        &mut self,
        key: &str,
        date: impl Into<String>,
    ) -> Result<(), QueueError> {
        let key = normalise_content_key(key)?;
        let date = date.into();
        let record = RememberedUpload::new(&key, &date)?;
        self.settle_unconfirmed(&key, &date);
        self.duplicates.remember_uploaded(record);
        Ok(())
    }

    /// [`UploadPlan::remember_uploaded`] for the whole memory at once, as loaded from storage
    /// (packed: see `queue::memory`): a million photos load in one sort.
    pub fn remember_uploads(&mut self, records: impl IntoIterator<Item = RememberedUpload>) {
        self.duplicates.remember_many(records);
        let unconfirmed: Vec<String> = self.unconfirmed_by_key.keys().cloned().collect();
        for key in unconfirmed {
            if let Some(date) = self.duplicates.uploaded_on(&key) {
                self.settle_unconfirmed(&key, &date);
            }
        }
    }

    // ----- conversion -------------------------------------------------------------------------

    /// The next file a worker should convert, now marked `Converting`; `None` while paused, while
    /// all workers are busy, or while the convert-ahead window is full: `convert_ahead` files
    /// converted (or being converted) and not uploaded, or `convert_ahead_bytes` held by them with
    /// this one's estimate added. An empty window always takes the next file, however big.
    pub fn next_to_convert(&mut self, now_ms: u64) -> Option<FileId> {
        if self.paused || self.files.count(FileState::Converting) >= self.config.max_converting {
            return None;
        }
        let in_window = self.in_memory_count();
        if in_window >= self.config.convert_ahead {
            return None;
        }
        let id = *self.files.convertible().first()?;
        let estimate = memory_estimate(self.files.find(id).ok()?.size);
        if in_window > 0
            && self.files.held_total().saturating_add(estimate) > self.config.convert_ahead_bytes
        {
            return None;
        }
        self.files.move_to(id, FileState::Converting, |_| ()).ok()?;
        self.files.hold(id, estimate);
        self.started_ms.get_or_insert(now_ms);
        Some(id)
    }

    /// Bytes held by the files in the convert-ahead window (see [`UploadPlan::next_to_convert`]).
    pub fn bytes_in_window(&self) -> u64 {
        self.files.held_total()
    }

    /// A worker converted `id`; `content_key` is the hex SHA-256 of the original bytes. The file
    /// is taken to hold its original's size in memory until uploaded (see
    /// [`UploadPlan::converted_holding`]).
    ///
    /// Returns the file's new state: `Ready`, or `Skipped` when it is a duplicate (uploaded by
    /// photolift before, or a second copy in this plan) and duplicates are not wanted. The shell
    /// drops the converted bytes of a skipped file.
    pub fn converted(
        &mut self,
        id: FileId,
        content_key: &str,
        now_ms: u64,
    ) -> Result<FileState, QueueError> {
        let size = self.files.find(id)?.size;
        self.converted_holding(id, content_key, size, now_ms)
    }

    /// [`UploadPlan::converted`], where the shell holds `held_bytes` in memory for the file until
    /// the page has it: the converted JPEG's size, or 0 for a file handed over as the original
    /// (a handle, no bytes).
    pub fn converted_holding(
        &mut self,
        id: FileId,
        content_key: &str,
        held_bytes: u64,
        now_ms: u64,
    ) -> Result<FileState, QueueError> {
        let key = normalise_content_key(content_key)?;
        let file = self.files.find(id)?;
        if file.state != FileState::Converting {
            return Err(QueueError::IllegalTransition {
                id,
                from: file.state,
                to: FileState::Ready,
            });
        }
        let verdict = if self.config.upload_duplicates {
            DuplicateVerdict::New
        } else {
            let files = &self.files;
            self.duplicates.verdict(&key, id, |owner| {
                files
                    .get(owner)
                    .is_some_and(|f| !matches!(f.state, FileState::Failed | FileState::Skipped))
            })
        };

        self.files.update(id, |file| {
            if file.content_key.as_deref().is_some_and(|old| old != key) {
                // Other bytes than the ones a previous session handed to the page: that hand-off
                // says nothing about this photo.
                file.uncertain = false;
            }
            file.content_key = Some(key.clone());
        })?;
        self.journal.push(JournalEntry::Keyed {
            id,
            key: key.clone(),
        });

        match verdict {
            DuplicateVerdict::UploadedBefore { date } => {
                self.finish_skipped(id, Reason::UploadedBefore { date })?;
                Ok(FileState::Skipped)
            }
            DuplicateVerdict::SameAsInPlan { first } => {
                let first = self.files.find(first)?.name.clone();
                self.finish_skipped(id, Reason::SameAsInDrop { first })?;
                Ok(FileState::Skipped)
            }
            DuplicateVerdict::New => {
                if !self.config.upload_duplicates {
                    self.duplicates.claim(key, id);
                }
                self.files.move_to(id, FileState::Ready, |file| {
                    file.not_before_ms = now_ms;
                })?;
                self.files.hold(id, held_bytes);
                Ok(FileState::Ready)
            }
        }
    }

    /// A worker could not convert `id`. Final: the same bytes would fail the same way.
    pub fn conversion_failed(&mut self, id: FileId, reason: Reason) -> Result<(), QueueError> {
        self.finish_failed(id, reason)
    }

    // ----- upload -----------------------------------------------------------------------------

    /// The next files to hand to the page's upload input, now marked `Uploading`.
    ///
    /// `None` while paused, while a batch is in flight (the page finishes one before it gets the
    /// next), or when no ready file is past its retry backoff. A batch may be smaller than
    /// `batch_size`: an idle page is the waste to avoid, and the next batch fills up while this
    /// one uploads.
    ///
    /// Persist the `HandedToPage` journal entries this writes before handing the files over.
    pub fn next_batch(&mut self, now_ms: u64) -> Option<Vec<FileId>> {
        if self.paused || self.batch.is_some() {
            return None;
        }
        let candidates = self
            .files
            .ready()
            .iter()
            .filter_map(|id| self.files.get(*id).map(|file| (*id, file.not_before_ms)));
        let batch = pick_batch(candidates, self.config.batch_size, now_ms);
        if batch.is_empty() {
            return None;
        }
        for &id in &batch {
            let handed = self.files.move_to(id, FileState::Uploading, |file| {
                file.attempts += 1;
                file.attempts
            });
            if let Ok(attempt) = handed {
                self.journal
                    .push(JournalEntry::HandedToPage { id, attempt });
            }
        }
        self.started_ms.get_or_insert(now_ms);
        self.batch = Some(BatchInFlight::new(batch.clone(), now_ms));
        Some(batch)
    }

    /// The page showed progress on the batch in flight; its timeout restarts from `now_ms`.
    pub fn upload_progress(&mut self, now_ms: u64) {
        if let Some(batch) = &mut self.batch {
            batch.note_progress(now_ms);
        }
    }

    /// The page confirmed the upload of `id`.
    ///
    /// Also accepted late, after the plan stopped waiting (timeout, cancel): the photo is in
    /// iCloud Photos then, and recording it keeps the plan from sending it again. A repeated
    /// confirmation is ignored.
    pub fn upload_succeeded(&mut self, id: FileId, now_ms: u64) -> Result<(), QueueError> {
        self.record_uploaded(id, now_ms, None)
    }

    /// The page answered that iCloud Photos already has `id` (HTTP 409 for an exact duplicate).
    /// The photo is there, so it counts as uploaded.
    pub fn upload_already_there(&mut self, id: FileId, now_ms: u64) -> Result<(), QueueError> {
        self.record_uploaded(id, now_ms, Some(Reason::AlreadyThere))
    }

    /// The page reported that uploading `id` failed.
    ///
    /// Returns the new state: `Ready` (handed again after the backoff) while tries remain,
    /// else `Failed` with [`Reason::GaveUp`], which names the tries.
    pub fn upload_failed(
        &mut self,
        id: FileId,
        reason: Reason,
        now_ms: u64,
    ) -> Result<FileState, QueueError> {
        let policy = self.config.retry_policy();
        let file = self.files.find(id)?;
        let attempts = file.attempts;
        let to = if policy.may_retry(attempts) {
            FileState::Ready
        } else {
            FileState::Failed
        };
        if file.state != FileState::Uploading {
            return Err(QueueError::IllegalTransition {
                id,
                from: file.state,
                to,
            });
        }
        if to == FileState::Ready {
            self.files.move_to(id, to, |file| {
                file.not_before_ms = now_ms.saturating_add(policy.backoff_ms(attempts));
                file.last_upload_error = Some(reason);
            })?;
        } else {
            let final_reason = Reason::GaveUp {
                last: Box::new(reason),
                tries: attempts,
            };
            self.files.move_to(id, to, |file| {
                file.reason = Some(final_reason.clone());
                file.last_upload_error = None;
            })?;
            self.journal.push(JournalEntry::Failed {
                id,
                reason: final_reason,
            });
        }
        self.upload_progress(now_ms);
        self.close_batch_if_resolved();
        Ok(to)
    }

    /// The page refused `id` itself (its error toast named the file): sending the same bytes again
    /// would be refused again, so the file fails now, without the retries a network fault gets.
    pub fn upload_rejected(&mut self, id: FileId, reason: Reason) -> Result<(), QueueError> {
        self.finish_failed(id, reason)
    }

    /// The worker found that `id` is not a photo or video at all (a PDF named `.jpg`, say): it is
    /// listed as skipped with the reason, not as a failure.
    pub fn conversion_skipped(&mut self, id: FileId, reason: Reason) -> Result<(), QueueError> {
        if self.files.state_of(id) != Some(FileState::Converting) {
            let from = self.files.find(id)?.state;
            return Err(QueueError::IllegalTransition {
                id,
                from,
                to: FileState::Skipped,
            });
        }
        self.finish_skipped(id, reason)
    }

    /// The page lost the session while uploading `id` (iCloud answered 401): not the file's fault,
    /// so it goes back to `Ready` without counting a try, to go up once the user signs in again.
    pub fn upload_interrupted(&mut self, id: FileId) -> Result<(), QueueError> {
        self.files.move_to(id, FileState::Ready, |file| {
            file.attempts = file.attempts.saturating_sub(1);
            file.not_before_ms = 0;
        })?;
        self.close_batch_if_resolved();
        Ok(())
    }

    /// Whether files that are already in iCloud Photos (or twice in this drop) go up anyway.
    pub fn set_upload_duplicates(&mut self, upload_duplicates: bool) {
        self.config.upload_duplicates = upload_duplicates;
    }

    /// New settings for what comes next (the user changed them on the options page while the
    /// panel runs): the next batch takes the new size, the next failure counts against the new
    /// number of tries; the batch in flight and files already converted keep what they have.
    pub fn reconfigure(&mut self, config: PlanConfig) -> Result<(), QueueError> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// Forgets the photos remembered as uploaded in earlier sessions and those uploaded in this
    /// plan (the user cleared the memory).
    pub fn forget_uploaded(&mut self) {
        self.duplicates.forget_remembered();
        // Photos uploaded earlier in this panel are uploaded photos too: the same photo added
        // again goes up again (a copy still on its way keeps its twin skipped).
        let files = &self.files;
        self.duplicates.release_owners(|owner| {
            files
                .get(owner)
                .is_some_and(|f| f.state == FileState::Uploaded)
        });
    }

    /// The page could not take the batch in flight at all (signed out, app not loaded yet): its
    /// files go back to `Ready` without counting a try, and the next batch waits for the page.
    /// Returns the files sent back.
    pub fn batch_refused(&mut self) -> Vec<FileId> {
        let Some(batch) = self.batch.take() else {
            return Vec::new();
        };
        let mut returned = Vec::new();
        for id in batch.files {
            if self.files.state_of(id) != Some(FileState::Uploading) {
                continue;
            }
            let moved = self.files.move_to(id, FileState::Ready, |file| {
                file.attempts = file.attempts.saturating_sub(1);
            });
            if moved.is_ok() {
                returned.push(id);
            }
        }
        returned
    }

    /// Counts every file of the batch in flight that the page has not resolved within
    /// `upload_timeout_ms` of its last progress as a failed try. Returns those files.
    pub fn check_timeouts(&mut self, now_ms: u64) -> Vec<FileId> {
        let Some(batch) = &self.batch else {
            return Vec::new();
        };
        if now_ms < batch.deadline_ms(self.config.upload_timeout_ms) {
            return Vec::new();
        }
        let stalled: Vec<FileId> = batch
            .files
            .iter()
            .copied()
            .filter(|id| self.files.state_of(*id) == Some(FileState::Uploading))
            .collect();
        let reason = Reason::TimedOut {
            seconds: self.config.upload_timeout_ms.div_ceil(1_000),
        };
        for &id in &stalled {
            // Cannot fail: every stalled file is Uploading.
            let _ = self.upload_failed(id, reason.clone(), now_ms);
        }
        // Defensive: the batch ends once nothing in it is uploading.
        self.close_batch_if_resolved();
        stalled
    }

    /// The batch the page is working on; it ends when every file in it is resolved.
    pub fn batch_in_flight(&self) -> Option<&BatchInFlight> {
        self.batch.as_ref()
    }

    /// The earliest time at which the clock alone changes what the plan would do: the deadline
    /// of the batch in flight, or when a ready file's retry backoff ends. The shell sets a timer
    /// for it and then calls `check_timeouts` / `next_batch`. May be in the past (due now).
    pub fn next_wake_ms(&self) -> Option<u64> {
        if let Some(batch) = &self.batch {
            return Some(batch.deadline_ms(self.config.upload_timeout_ms));
        }
        if self.paused {
            return None;
        }
        self.files
            .ready()
            .iter()
            .filter_map(|id| self.files.get(*id).map(|file| file.not_before_ms))
            .min()
    }

    // ----- user controls ----------------------------------------------------------------------

    /// Stops starting conversions and batches. Work already with a worker or the page finishes.
    pub fn pause(&mut self) {
        self.paused = true;
    }

    pub fn resume(&mut self) {
        self.paused = false;
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Skips every file that is not finished ("cancelled"), including files the page is still
    /// uploading; if the page confirms one of those later, it is recorded as uploaded.
    /// Conversion results that arrive afterwards are refused. Returns how many were cancelled.
    pub fn cancel(&mut self) -> usize {
        let unfinished: Vec<FileId> = self
            .files
            .iter()
            .filter(|file| !file.state.is_final())
            .map(|file| file.id)
            .collect();
        for &id in &unfinished {
            // Cannot fail: every unfinished state may become Skipped.
            let _ = self.finish_skipped(id, Reason::Cancelled);
        }
        self.batch = None;
        unfinished.len()
    }

    /// The user gives up on the rest of an interrupted upload: skips ("cancelled") every
    /// unfinished file still waiting for its original after a resume. Files added since, and files
    /// whose originals came back, carry on; files given again from now on are new files.
    /// Returns how many were cancelled.
    pub fn cancel_awaiting_originals(&mut self) -> usize {
        let waiting: Vec<FileId> = self
            .files
            .iter()
            .filter(|file| file.needs_original && !file.state.is_final())
            .map(|file| file.id)
            .collect();
        for &id in &waiting {
            let in_flight = self.files.get(id).is_some_and(|file| file.uncertain);
            let reason = if in_flight {
                Reason::CancelledInFlight
            } else {
                Reason::Cancelled
            };
            // Cannot fail: a queued file may become Skipped.
            let _ = self.finish_skipped(id, reason);
        }
        self.awaiting_original.clear();
        waiting.len()
    }

    /// Puts every failed file back in the queue with fresh tries. They are converted again: the
    /// shell released their converted bytes when they failed, which keeps memory bounded.
    /// Returns how many were requeued.
    pub fn retry_failed(&mut self) -> usize {
        let failed: Vec<FileId> = self
            .files
            .iter()
            .filter(|file| file.state == FileState::Failed)
            .map(|file| file.id)
            .collect();
        for &id in &failed {
            let requeued = self.files.move_to(id, FileState::Queued, |file| {
                file.attempts = 0;
                file.reason = None;
                file.last_upload_error = None;
                file.not_before_ms = 0;
            });
            if requeued.is_ok() {
                self.journal.push(JournalEntry::Requeued { id });
            }
        }
        failed.len()
    }

    // ----- reading ----------------------------------------------------------------------------

    pub fn summary(&self) -> Summary {
        let queued = self.files.count(FileState::Queued);
        let total = self.files.len();
        let unfinished = queued
            + self.files.count(FileState::Converting)
            + self.files.count(FileState::Ready)
            + self.files.count(FileState::Uploading);
        let state = if total == 0 {
            PlanState::Idle
        } else if unfinished == 0 {
            PlanState::Done
        } else if self.paused {
            PlanState::Paused
        } else if self.started_ms.is_none() {
            PlanState::Idle
        } else {
            PlanState::Running
        };
        Summary {
            total,
            queued,
            converting: self.files.count(FileState::Converting),
            ready: self.files.count(FileState::Ready),
            uploading: self.files.count(FileState::Uploading),
            uploaded: self.files.count(FileState::Uploaded),
            skipped: self.files.count(FileState::Skipped),
            failed: self.files.count(FileState::Failed),
            awaiting_original: queued - self.files.convertible().len(),
            state,
        }
    }

    /// All files in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = &PlannedFile> {
        self.files.iter()
    }

    pub fn file(&self, id: FileId) -> Option<&PlannedFile> {
        self.files.get(id)
    }

    /// Files whose row changed since the last call, so the panel re-renders only those.
    pub fn take_changes(&mut self) -> Vec<FileId> {
        self.files.take_changes()
    }

    /// Journal entries written since the last call, oldest first. Append them to the store.
    pub fn take_journal(&mut self) -> Vec<JournalEntry> {
        std::mem::take(&mut self.journal)
    }

    /// When the plan first started a conversion or a batch.
    pub fn started_ms(&self) -> Option<u64> {
        self.started_ms
    }

    /// Files (and their original bytes) the page confirmed since this plan was made or replayed.
    pub fn uploaded_this_session(&self) -> (usize, u64) {
        (self.uploaded_this_session, self.uploaded_bytes_this_session)
    }

    // ----- inside -----------------------------------------------------------------------------

    /// Converted (or converting) files whose bytes are not with the page for good yet.
    fn in_memory_count(&self) -> usize {
        self.files.count(FileState::Converting)
            + self.files.count(FileState::Ready)
            + self.files.count(FileState::Uploading)
    }

    fn finish_failed(&mut self, id: FileId, reason: Reason) -> Result<(), QueueError> {
        self.files.move_to(id, FileState::Failed, |file| {
            file.reason = Some(reason.clone());
            file.last_upload_error = None;
        })?;
        self.journal.push(JournalEntry::Failed { id, reason });
        self.close_batch_if_resolved();
        Ok(())
    }

    fn finish_skipped(&mut self, id: FileId, reason: Reason) -> Result<(), QueueError> {
        self.files.move_to(id, FileState::Skipped, |file| {
            file.reason = Some(reason.clone());
        })?;
        self.journal.push(JournalEntry::Skipped { id, reason });
        self.close_batch_if_resolved();
        Ok(())
    }

    fn record_uploaded(
        &mut self,
        id: FileId,
        now_ms: u64,
        note: Option<Reason>,
    ) -> Result<(), QueueError> {
        let file = self.files.find(id)?;
        if file.state == FileState::Uploaded {
            return Ok(());
        }
        if file.attempts == 0 {
            return Err(QueueError::NeverHandedToPage(id));
        }
        let (key, size) = self.files.move_to(id, FileState::Uploaded, |file| {
            file.uploaded_at_ms = Some(now_ms);
            file.reason = note;
            file.last_upload_error = None;
            file.uncertain = false;
            (file.content_key.clone().unwrap_or_default(), file.size)
        })?;
        self.journal.push(JournalEntry::Uploaded {
            id,
            key,
            at_ms: now_ms,
        });
        self.uploaded_this_session += 1;
        self.uploaded_bytes_this_session += size;
        self.upload_progress(now_ms);
        self.close_batch_if_resolved();
        Ok(())
    }

    /// A batch is over when the page resolved every file in it. All `Uploading` files belong to
    /// the batch in flight, so "none uploading" is that condition.
    fn close_batch_if_resolved(&mut self) {
        if self.files.count(FileState::Uploading) == 0 {
            self.batch = None;
        }
    }
}
