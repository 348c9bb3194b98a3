//! The upload plan: every file of a drop, what to convert next, what to hand to the page next,
//! and what happened. The web shell drives it with what workers and the page report; the plan
//! never waits, sleeps or reads a clock (times come in as `now_ms`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::batch::{pick_batch, BatchInFlight};
use super::calendar::{utc_date_from_ms, utc_ms_from_date};
use super::config::{memory_estimate, PlanConfig};
use super::duplicates::{normalise_content_key, DuplicateIndex, DuplicateVerdict};
use super::error::QueueError;
use super::journal::{fold_journal, JournalEntry, JournalOutcome};
use super::memory::RememberedUpload;
use super::retry::tries_phrase;
use super::state::{FileId, FileState, PlannedFile};

/// Reason given to files the user cancelled.
pub const CANCELLED_REASON: &str = "cancelled";
/// Cancelled while the page may have received it: the report must not claim it is not there.
pub const CANCELLED_IN_FLIGHT_REASON: &str =
    "cancelled; it was being uploaded when the page was interrupted, so it may already be in iCloud Photos";
/// Reason kept on a file the page answered "already there" (HTTP 409) for.
pub const ALREADY_THERE_NOTE: &str = "iCloud Photos already had this photo";

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

/// What hashing a re-supplied original told us (see [`UploadPlan::confirm_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyCheck {
    /// Same bytes as the journal recorded: it is the same photo.
    Same,
    /// Same name, size and date but other bytes: a different photo. The plan's file still waits
    /// for its own original; add the supplied file as a new one.
    Different,
    /// The journal never got to hash this file; nothing to compare.
    NotKeyedBefore,
}

/// A plan rebuilt from a journal.
#[derive(Debug, Clone)]
pub struct ResumeState {
    pub plan: UploadPlan,
    /// key → upload date (YYYY-MM-DD, UTC) of every upload the journal confirms, for the
    /// duplicate store. The plan already remembers them.
    pub known_uploaded: BTreeMap<String, String>,
    /// Files handed to the page whose upload was never confirmed. They are queued to go again.
    pub uncertain: Vec<FileId>,
    /// Journal entries about files the journal never added (or added twice); left out.
    pub ignored_entries: usize,
}

/// How many files are in each state, kept up to date on every move so the summary and the
/// convert-ahead window cost nothing to read.
#[derive(Debug, Clone, Default)]
struct StateCounts([usize; 7]);

impl StateCounts {
    fn slot(state: FileState) -> usize {
        match state {
            FileState::Queued => 0,
            FileState::Converting => 1,
            FileState::Ready => 2,
            FileState::Uploading => 3,
            FileState::Uploaded => 4,
            FileState::Skipped => 5,
            FileState::Failed => 6,
        }
    }

    fn get(&self, state: FileState) -> usize {
        self.0[Self::slot(state)]
    }

    fn add(&mut self, state: FileState) {
        self.0[Self::slot(state)] += 1;
    }

    fn moved(&mut self, from: FileState, to: FileState) {
        self.0[Self::slot(from)] -= 1;
        self.0[Self::slot(to)] += 1;
    }
}

/// What identifies a dropped file before it is hashed: its file name (without the folders, so a
/// photo dropped inside a folder is found again when picked on its own), size and modification time.
type OriginalIdentity = (String, u64, u64);

fn original_identity(path: &str, size: u64, last_modified_ms: u64) -> OriginalIdentity {
    let name = path.rsplit('/').next().unwrap_or(path);
    (name.to_string(), size, last_modified_ms)
}

#[derive(Debug, Clone)]
pub struct UploadPlan {
    config: PlanConfig,
    files: BTreeMap<FileId, PlannedFile>,
    next_id: u32,
    counts: StateCounts,
    /// Queued files whose original is at hand, in the order they were added.
    convertible: BTreeSet<FileId>,
    /// Ready files, in the order they were added.
    ready: BTreeSet<FileId>,
    /// Every `Uploading` file belongs to this batch.
    batch: Option<BatchInFlight>,
    duplicates: DuplicateIndex,
    /// Restored files waiting for their original, by file name, size and modification time.
    awaiting_original: HashMap<OriginalIdentity, BTreeSet<FileId>>,
    /// Restored files the journal shows handed to the page and never confirmed, by the content key
    /// it journaled for them: the upload memory may know better (see `remember_uploaded`).
    unconfirmed_by_key: HashMap<String, Vec<FileId>>,
    paused: bool,
    started_ms: Option<u64>,
    uploaded_this_session: usize,
    uploaded_bytes_this_session: u64,
    changes: BTreeSet<FileId>,
    journal: Vec<JournalEntry>,
    /// What each file in the convert-ahead window holds in memory (bytes), and their sum.
    held: HashMap<FileId, u64>,
    held_total: u64,
}

impl UploadPlan {
    pub fn new(config: PlanConfig) -> Result<UploadPlan, QueueError> {
        config.validate()?;
        Ok(UploadPlan {
            config,
            files: BTreeMap::new(),
            next_id: 0,
            counts: StateCounts::default(),
            convertible: BTreeSet::new(),
            ready: BTreeSet::new(),
            batch: None,
            duplicates: DuplicateIndex::default(),
            awaiting_original: HashMap::new(),
            unconfirmed_by_key: HashMap::new(),
            paused: false,
            started_ms: None,
            uploaded_this_session: 0,
            uploaded_bytes_this_session: 0,
            changes: BTreeSet::new(),
            journal: Vec::new(),
            held: HashMap::new(),
            held_total: 0,
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
        self.insert_file(file);
        id
    }

    /// Skips a queued file, e.g. one that is not a photo or video at all.
    pub fn skip(&mut self, id: FileId, reason: impl Into<String>) -> Result<(), QueueError> {
        let file = self.file_for(id)?;
        if file.state != FileState::Queued {
            return Err(QueueError::IllegalTransition {
                id,
                from: file.state,
                to: FileState::Skipped,
            });
        }
        self.finish_skipped(id, reason.into())
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
        if self.paused || self.counts.get(FileState::Converting) >= self.config.max_converting {
            return None;
        }
        let in_window = self.in_memory_count();
        if in_window >= self.config.convert_ahead {
            return None;
        }
        let id = *self.convertible.first()?;
        let estimate = memory_estimate(self.file_for(id).ok()?.size);
        if in_window > 0
            && self.held_total.saturating_add(estimate) > self.config.convert_ahead_bytes
        {
            return None;
        }
        self.move_file(id, FileState::Converting).ok()?;
        self.hold(id, estimate);
        self.started_ms.get_or_insert(now_ms);
        Some(id)
    }

    /// Bytes held by the files in the convert-ahead window (see [`UploadPlan::next_to_convert`]).
    pub fn bytes_in_window(&self) -> u64 {
        self.held_total
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
        let size = self.file_for(id)?.size;
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
        let file = self.file_for(id)?;
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
                    .get(&owner)
                    .is_some_and(|f| !matches!(f.state, FileState::Failed | FileState::Skipped))
            })
        };

        let file = self.file_mut(id)?;
        if file.content_key.as_deref().is_some_and(|old| old != key) {
            // Other bytes than the ones a previous session handed to the page: that hand-off
            // says nothing about this photo.
            file.uncertain = false;
        }
        file.content_key = Some(key.clone());
        self.journal.push(JournalEntry::Keyed {
            id,
            key: key.clone(),
        });

        match verdict {
            DuplicateVerdict::UploadedBefore { date } => {
                self.finish_skipped(
                    id,
                    format!("already in iCloud Photos via photolift on {date}"),
                )?;
                Ok(FileState::Skipped)
            }
            DuplicateVerdict::SameAsInPlan { first } => {
                let first_name = self.file_for(first)?.name.clone();
                self.finish_skipped(id, format!("same photo as {first_name} in this drop"))?;
                Ok(FileState::Skipped)
            }
            DuplicateVerdict::New => {
                if !self.config.upload_duplicates {
                    self.duplicates.claim(key, id);
                }
                let file = self.move_file(id, FileState::Ready)?;
                file.not_before_ms = now_ms;
                self.hold(id, held_bytes);
                Ok(FileState::Ready)
            }
        }
    }

    /// A worker could not convert `id`. Final: the same bytes would fail the same way.
    pub fn conversion_failed(
        &mut self,
        id: FileId,
        reason: impl Into<String>,
    ) -> Result<(), QueueError> {
        self.finish_failed(id, reason.into())
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
            .ready
            .iter()
            .filter_map(|id| self.files.get(id).map(|file| (*id, file.not_before_ms)));
        let batch = pick_batch(candidates, self.config.batch_size, now_ms);
        if batch.is_empty() {
            return None;
        }
        for &id in &batch {
            if let Ok(file) = self.move_file(id, FileState::Uploading) {
                file.attempts += 1;
                let attempt = file.attempts;
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
        self.record_uploaded(id, now_ms, Some(ALREADY_THERE_NOTE.to_string()))
    }

    /// The page reported that uploading `id` failed.
    ///
    /// Returns the new state: `Ready` (handed again after the backoff) while tries remain,
    /// else `Failed` with a reason that names the tries.
    pub fn upload_failed(
        &mut self,
        id: FileId,
        reason: impl Into<String>,
        now_ms: u64,
    ) -> Result<FileState, QueueError> {
        let reason = reason.into();
        let policy = self.config.retry_policy();
        let file = self.file_for(id)?;
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
        let file = self.move_file(id, to)?;
        if to == FileState::Ready {
            file.not_before_ms = now_ms.saturating_add(policy.backoff_ms(attempts));
            file.last_upload_error = Some(reason);
        } else {
            let final_reason = format!("{reason} ({})", tries_phrase(attempts));
            file.reason = Some(final_reason.clone());
            file.last_upload_error = None;
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
    pub fn upload_rejected(
        &mut self,
        id: FileId,
        reason: impl Into<String>,
    ) -> Result<(), QueueError> {
        self.finish_failed(id, reason.into())
    }

    /// The worker found that `id` is not a photo or video at all (a PDF named `.jpg`, say): it is
    /// listed as skipped with the reason, not as a failure.
    pub fn conversion_skipped(
        &mut self,
        id: FileId,
        reason: impl Into<String>,
    ) -> Result<(), QueueError> {
        if self.state_of(id) != Some(FileState::Converting) {
            let from = self.file_for(id)?.state;
            return Err(QueueError::IllegalTransition {
                id,
                from,
                to: FileState::Skipped,
            });
        }
        self.finish_skipped(id, reason.into())
    }

    /// The page lost the session while uploading `id` (iCloud answered 401): not the file's fault,
    /// so it goes back to `Ready` without counting a try, to go up once the user signs in again.
    pub fn upload_interrupted(&mut self, id: FileId) -> Result<(), QueueError> {
        let file = self.move_file(id, FileState::Ready)?;
        file.attempts = file.attempts.saturating_sub(1);
        file.not_before_ms = 0;
        self.close_batch_if_resolved();
        Ok(())
    }

    /// Whether files that are already in iCloud Photos (or twice in this drop) go up anyway.
    pub fn set_upload_duplicates(&mut self, upload_duplicates: bool) {
        self.config.upload_duplicates = upload_duplicates;
    }

    /// Forgets the photos remembered as uploaded in earlier sessions (the user cleared the memory).
    pub fn forget_uploaded(&mut self) {
        self.duplicates.forget_remembered();
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
            if self.state_of(id) != Some(FileState::Uploading) {
                continue;
            }
            if let Ok(file) = self.move_file(id, FileState::Ready) {
                file.attempts = file.attempts.saturating_sub(1);
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
            .filter(|id| self.state_of(*id) == Some(FileState::Uploading))
            .collect();
        let reason = format!(
            "the page did not finish the upload in {} s",
            self.config.upload_timeout_ms.div_ceil(1_000)
        );
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
        self.ready
            .iter()
            .filter_map(|id| self.files.get(id).map(|file| file.not_before_ms))
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
            .values()
            .filter(|file| !file.state.is_final())
            .map(|file| file.id)
            .collect();
        for &id in &unfinished {
            // Cannot fail: every unfinished state may become Skipped.
            let _ = self.finish_skipped(id, CANCELLED_REASON.to_string());
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
            .values()
            .filter(|file| file.needs_original && !file.state.is_final())
            .map(|file| file.id)
            .collect();
        for &id in &waiting {
            let in_flight = self.files.get(&id).is_some_and(|file| file.uncertain);
            let reason = if in_flight {
                CANCELLED_IN_FLIGHT_REASON
            } else {
                CANCELLED_REASON
            };
            // Cannot fail: a queued file may become Skipped.
            let _ = self.finish_skipped(id, reason.to_string());
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
            .values()
            .filter(|file| file.state == FileState::Failed)
            .map(|file| file.id)
            .collect();
        for &id in &failed {
            if let Ok(file) = self.move_file(id, FileState::Queued) {
                file.attempts = 0;
                file.reason = None;
                file.last_upload_error = None;
                file.not_before_ms = 0;
                self.journal.push(JournalEntry::Requeued { id });
            }
        }
        failed.len()
    }

    // ----- reading ----------------------------------------------------------------------------

    pub fn summary(&self) -> Summary {
        let queued = self.counts.get(FileState::Queued);
        let total = self.files.len();
        let unfinished = queued
            + self.counts.get(FileState::Converting)
            + self.counts.get(FileState::Ready)
            + self.counts.get(FileState::Uploading);
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
            converting: self.counts.get(FileState::Converting),
            ready: self.counts.get(FileState::Ready),
            uploading: self.counts.get(FileState::Uploading),
            uploaded: self.counts.get(FileState::Uploaded),
            skipped: self.counts.get(FileState::Skipped),
            failed: self.counts.get(FileState::Failed),
            awaiting_original: queued - self.convertible.len(),
            state,
        }
    }

    /// All files in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = &PlannedFile> {
        self.files.values()
    }

    pub fn file(&self, id: FileId) -> Option<&PlannedFile> {
        self.files.get(&id)
    }

    /// Files whose row changed since the last call, so the panel re-renders only those.
    pub fn take_changes(&mut self) -> Vec<FileId> {
        std::mem::take(&mut self.changes).into_iter().collect()
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

    // ----- resume -----------------------------------------------------------------------------

    /// Rebuilds a plan from its journal after a reload, crash or closed tab.
    ///
    /// Uploaded, skipped and failed files keep their outcome. Every unfinished file goes back to
    /// `Queued` and waits for its original: converted bytes were in memory only, so the user
    /// drops the same files again ([`UploadPlan::match_resumed_file`]).
    ///
    /// A file handed to the page without a confirmation after it (the tab died in between) is
    /// *uncertain*: it may or may not be in iCloud Photos. (Unless the upload memory, loaded next
    /// with [`UploadPlan::remember_uploaded`], holds its key: then the page did confirm it, only
    /// the journal's record of that was lost, and the file counts as uploaded.) It is sent again
    /// rather than assumed uploaded, because sending again is safe and assuming is not: iCloud
    /// answers an exact duplicate with "already there" (HTTP 409), which the page reports and the
    /// plan counts as uploaded, while wrongly assuming it uploaded would lose the photo silently.
    /// Before it goes again its original is checked against the journaled content key
    /// (`confirm_key`), so only the same bytes are re-sent under that file's record.
    pub fn replay(config: PlanConfig, entries: &[JournalEntry]) -> Result<ResumeState, QueueError> {
        let mut plan = UploadPlan::new(config)?;
        let fold = fold_journal(entries);
        let mut known_uploaded = BTreeMap::new();
        let mut uncertain = Vec::new();

        for journaled in fold.files.into_values() {
            let mut file = PlannedFile::new(
                journaled.id,
                journaled.name,
                journaled.size,
                journaled.last_modified_ms,
            );
            file.content_key = journaled
                .key
                .and_then(|key| normalise_content_key(&key).ok());
            file.attempts = journaled.attempts;
            file.needs_original = true;
            match journaled.outcome {
                JournalOutcome::Pending { handed_unconfirmed } => {
                    file.uncertain = handed_unconfirmed;
                    if handed_unconfirmed {
                        uncertain.push(file.id);
                        if let Some(key) = &file.content_key {
                            plan.unconfirmed_by_key
                                .entry(key.clone())
                                .or_default()
                                .push(file.id);
                        }
                    }
                }
                JournalOutcome::Uploaded { at_ms } => {
                    file.state = FileState::Uploaded;
                    file.uploaded_at_ms = Some(at_ms);
                    if let Some(key) = &file.content_key {
                        let date = utc_date_from_ms(at_ms);
                        if let Ok(record) = RememberedUpload::new(key, &date) {
                            plan.duplicates.remember_uploaded(record);
                        }
                        known_uploaded.insert(key.clone(), date);
                    }
                }
                JournalOutcome::Failed { reason } => {
                    file.state = FileState::Failed;
                    file.reason = Some(reason);
                }
                JournalOutcome::Skipped { reason } => {
                    file.state = FileState::Skipped;
                    file.reason = Some(reason);
                }
            }
            if let Some(key) = &file.content_key {
                let goes_up = !matches!(file.state, FileState::Failed | FileState::Skipped);
                if goes_up && plan.duplicates.owner_in_plan(key).is_none() {
                    plan.duplicates.claim(key.clone(), file.id);
                }
            }
            plan.next_id = plan.next_id.max(file.id.0.saturating_add(1));
            plan.awaiting_original
                .entry(original_identity(
                    &file.name,
                    file.size,
                    file.last_modified_ms,
                ))
                .or_default()
                .insert(file.id);
            plan.insert_file(file);
        }
        plan.changes.clear();

        Ok(ResumeState {
            plan,
            known_uploaded,
            uncertain,
            ignored_entries: fold.ignored_entries,
        })
    }

    /// The user dropped a file again after a resume: finds the restored file with the same file
    /// name, size and modification time that still waits for its original (the one at the same
    /// path when there are several, so a folder may be given again as loose files and vice versa),
    /// and marks the original as at hand (an unfinished file can now be converted). `None`: not
    /// part of the old plan, add it with `add_file`.
    ///
    /// The returned file may be finished already (e.g. `Uploaded`): then there is nothing to do.
    /// Hash the bytes and call [`UploadPlan::confirm_key`] to be sure it is the same photo.
    pub fn match_resumed_file(
        &mut self,
        name: &str,
        size: u64,
        last_modified_ms: u64,
    ) -> Option<FileId> {
        let identity = original_identity(name, size, last_modified_ms);
        let waiting = self.awaiting_original.get_mut(&identity)?;
        let files = &self.files;
        let same_path = waiting
            .iter()
            .copied()
            .find(|id| files.get(id).is_some_and(|file| file.name == name));
        let id = same_path.or_else(|| waiting.first().copied())?;
        waiting.remove(&id);
        if waiting.is_empty() {
            self.awaiting_original.remove(&identity);
        }
        if let Some(file) = self.files.get_mut(&id) {
            file.needs_original = false;
        }
        self.reindex(id);
        Some(id)
    }

    /// Compares the hash of a re-supplied original with the key the journal recorded for `id`.
    ///
    /// On [`KeyCheck::Different`] a still-queued file goes back to waiting for its original (the
    /// match by name, size and date was wrong) and the supplied file should be added as new.
    pub fn confirm_key(&mut self, id: FileId, content_key: &str) -> Result<KeyCheck, QueueError> {
        let key = normalise_content_key(content_key)?;
        let file = self.file_for(id)?;
        let check = match &file.content_key {
            None => KeyCheck::NotKeyedBefore,
            Some(journaled) if *journaled == key => KeyCheck::Same,
            Some(_) => KeyCheck::Different,
        };
        if check == KeyCheck::Different && file.state == FileState::Queued && !file.needs_original {
            let identity = original_identity(&file.name, file.size, file.last_modified_ms);
            self.awaiting_original
                .entry(identity)
                .or_default()
                .insert(id);
            if let Some(file) = self.files.get_mut(&id) {
                file.needs_original = true;
            }
            self.reindex(id);
        }
        Ok(check)
    }

    // ----- inside -----------------------------------------------------------------------------

    fn file_for(&self, id: FileId) -> Result<&PlannedFile, QueueError> {
        self.files.get(&id).ok_or(QueueError::UnknownFile(id))
    }

    fn file_mut(&mut self, id: FileId) -> Result<&mut PlannedFile, QueueError> {
        self.files.get_mut(&id).ok_or(QueueError::UnknownFile(id))
    }

    fn state_of(&self, id: FileId) -> Option<FileState> {
        self.files.get(&id).map(|file| file.state)
    }

    /// Notes what `id` holds in memory while it is in the convert-ahead window.
    fn hold(&mut self, id: FileId, bytes: u64) {
        let old = self.held.insert(id, bytes).unwrap_or(0);
        self.held_total = self.held_total - old + bytes;
    }

    /// Converted (or converting) files whose bytes are not with the page for good yet.
    fn in_memory_count(&self) -> usize {
        self.counts.get(FileState::Converting)
            + self.counts.get(FileState::Ready)
            + self.counts.get(FileState::Uploading)
    }

    fn insert_file(&mut self, file: PlannedFile) {
        let id = file.id;
        self.counts.add(file.state);
        self.files.insert(id, file);
        self.reindex(id);
        self.changes.insert(id);
    }

    /// The only way a file changes state: checks the move, keeps counts and indexes right and
    /// notes the row as changed.
    fn move_file(&mut self, id: FileId, to: FileState) -> Result<&mut PlannedFile, QueueError> {
        let file = self.files.get_mut(&id).ok_or(QueueError::UnknownFile(id))?;
        let from = file.state;
        if !from.can_become(to) {
            return Err(QueueError::IllegalTransition { id, from, to });
        }
        file.state = to;
        self.counts.moved(from, to);
        index_file(&mut self.convertible, &mut self.ready, file);
        self.changes.insert(id);
        let in_window = matches!(
            to,
            FileState::Converting | FileState::Ready | FileState::Uploading
        );
        if !in_window {
            if let Some(bytes) = self.held.remove(&id) {
                self.held_total -= bytes;
            }
        }
        let file = self.files.get_mut(&id).ok_or(QueueError::UnknownFile(id))?;
        Ok(file)
    }

    fn reindex(&mut self, id: FileId) {
        if let Some(file) = self.files.get(&id) {
            index_file(&mut self.convertible, &mut self.ready, file);
            self.changes.insert(id);
        }
    }

    fn finish_failed(&mut self, id: FileId, reason: String) -> Result<(), QueueError> {
        let file = self.move_file(id, FileState::Failed)?;
        file.reason = Some(reason.clone());
        file.last_upload_error = None;
        self.journal.push(JournalEntry::Failed { id, reason });
        self.close_batch_if_resolved();
        Ok(())
    }

    fn finish_skipped(&mut self, id: FileId, reason: String) -> Result<(), QueueError> {
        let file = self.move_file(id, FileState::Skipped)?;
        file.reason = Some(reason.clone());
        self.journal.push(JournalEntry::Skipped { id, reason });
        self.close_batch_if_resolved();
        Ok(())
    }

    fn record_uploaded(
        &mut self,
        id: FileId,
        now_ms: u64,
        note: Option<String>,
    ) -> Result<(), QueueError> {
        let file = self.file_for(id)?;
        if file.state == FileState::Uploaded {
            return Ok(());
        }
        if file.attempts == 0 {
            return Err(QueueError::NeverHandedToPage(id));
        }
        let file = self.move_file(id, FileState::Uploaded)?;
        file.uploaded_at_ms = Some(now_ms);
        file.reason = note;
        file.last_upload_error = None;
        file.uncertain = false;
        let key = file.content_key.clone().unwrap_or_default();
        let size = file.size;
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

    /// Records as uploaded the restored, still unconfirmed hand-offs of `key`'s bytes: the upload
    /// memory says the page confirmed them (see [`UploadPlan::remember_uploaded`]).
    fn settle_unconfirmed(&mut self, key: &str, date: &str) {
        let Some(ids) = self.unconfirmed_by_key.remove(key) else {
            return;
        };
        // The memory's dates are ours (`utc_date_from_ms`); a mangled one still settles the file.
        let at_ms = utc_ms_from_date(date).unwrap_or(0);
        for id in ids {
            // Still the bytes that were handed over, still unconfirmed, not finished another way.
            let settles = self.files.get(&id).is_some_and(|file| {
                file.uncertain
                    && file.attempts > 0
                    && file.content_key.as_deref() == Some(key)
                    && file.state != FileState::Uploaded
                    && file.state.can_become(FileState::Uploaded)
            });
            if !settles {
                continue;
            }
            if let Ok(file) = self.move_file(id, FileState::Uploaded) {
                file.uploaded_at_ms = Some(at_ms);
                file.reason = None;
                file.last_upload_error = None;
                file.uncertain = false;
                self.journal.push(JournalEntry::Uploaded {
                    id,
                    key: key.to_string(),
                    at_ms,
                });
            }
        }
        self.close_batch_if_resolved();
    }

    /// A batch is over when the page resolved every file in it. All `Uploading` files belong to
    /// the batch in flight, so "none uploading" is that condition.
    fn close_batch_if_resolved(&mut self) {
        if self.counts.get(FileState::Uploading) == 0 {
            self.batch = None;
        }
    }
}

fn index_file(
    convertible: &mut BTreeSet<FileId>,
    ready: &mut BTreeSet<FileId>,
    file: &PlannedFile,
) {
    convertible.remove(&file.id);
    ready.remove(&file.id);
    match file.state {
        FileState::Queued if !file.needs_original => {
            convertible.insert(file.id);
        }
        FileState::Ready => {
            ready.insert(file.id);
        }
        _ => {}
    }
}
