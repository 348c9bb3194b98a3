//! Resume: a plan rebuilt from its journal after a reload, crash or closed tab, and the files of
//! the interrupted upload matched again when the user (or the browser's kept handles) gives
//! them back.

use super::super::calendar::{utc_date_from_ms, utc_ms_from_date};
use super::super::config::PlanConfig;
use super::super::duplicates::normalise_content_key;
use super::super::error::QueueError;
use super::super::journal::{fold_journal, JournalEntry, JournalOutcome};
use super::super::memory::RememberedUpload;
use super::super::state::{FileId, FileState, PlannedFile};
use super::UploadPlan;

/// What identifies a dropped file before it is hashed: its file name (without the folders, so a
/// photo dropped inside a folder is found again when picked on its own), size and modification time.
pub(super) type OriginalIdentity = (String, u64, u64);

fn original_identity(path: &str, size: u64, last_modified_ms: u64) -> OriginalIdentity {
    let name = path.rsplit('/').next().unwrap_or(path);
    (name.to_string(), size, last_modified_ms)
}

impl UploadPlan {
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
    /// When its original comes back its bytes are hashed again: other bytes than the journaled
    /// ones clear the doubt (that hand-off was of another photo), and the same bytes that the
    /// upload memory holds are skipped as uploaded before, so only what iCloud does not have goes.
    /// Journal entries about files the journal never added (or added twice) are left out.
    pub fn replay(config: PlanConfig, entries: &[JournalEntry]) -> Result<UploadPlan, QueueError> {
        let mut plan = UploadPlan::new(config)?;
        let fold = fold_journal(entries);

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
            plan.files.insert(file);
        }
        plan.files.take_changes();
        Ok(plan)
    }

    /// The user dropped a file again after a resume: finds the restored file with the same file
    /// name, size and modification time that still waits for its original (the one at the same
    /// path when there are several, so a folder may be given again as loose files and vice versa),
    /// and marks the original as at hand (an unfinished file can now be converted). `None`: not
    /// part of the old plan, add it with `add_file`.
    ///
    /// The returned file may be finished already (e.g. `Uploaded`): then there is nothing to do.
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
            .find(|id| files.get(*id).is_some_and(|file| file.name == name));
        let id = same_path.or_else(|| waiting.first().copied())?;
        waiting.remove(&id);
        if waiting.is_empty() {
            self.awaiting_original.remove(&identity);
        }
        // Cannot fail: the file is in the table.
        let _ = self.files.update(id, |file| file.needs_original = false);
        Some(id)
    }

    /// Records as uploaded the restored, still unconfirmed hand-offs of `key`'s bytes: the upload
    /// memory says the page confirmed them (see [`UploadPlan::remember_uploaded`]).
    pub(super) fn settle_unconfirmed(&mut self, key: &str, date: &str) {
        let Some(ids) = self.unconfirmed_by_key.remove(key) else {
            return;
        };
        // The memory's dates are ours (`utc_date_from_ms`); a mangled one still settles the file.
        let at_ms = utc_ms_from_date(date).unwrap_or(0);
        for id in ids {
            // Still the bytes that were handed over, still unconfirmed, not finished another way.
            let settles = self.files.get(id).is_some_and(|file| {
                file.uncertain
                    && file.attempts > 0
                    && file.content_key.as_deref() == Some(key)
                    && file.state != FileState::Uploaded
                    && file.state.can_become(FileState::Uploaded)
            });
            if !settles {
                continue;
            }
            let settled = self.files.move_to(id, FileState::Uploaded, |file| {
                file.uploaded_at_ms = Some(at_ms);
                file.reason = None;
                file.last_upload_error = None;
                file.uncertain = false;
            });
            if settled.is_ok() {
                self.journal.push(JournalEntry::Uploaded {
                    id,
                    key: key.to_string(),
                    at_ms,
                });
            }
        }
        self.close_batch_if_resolved();
    }
}
