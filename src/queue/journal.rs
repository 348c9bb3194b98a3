//! The resume journal: what the plan did, as a list of small facts the web shell appends to its
//! store as they happen. After a reload, crash or closed tab, `UploadPlan::replay` rebuilds the
//! plan from it.
//!
//! Entries are facts about one file each, so a journal cut off at any point (the tab died
//! mid-write) still replays: everything before the cut holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::calendar::utc_date_from_ms;
use super::state::FileId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum JournalEntry {
    /// The user dropped the file. Name, size and modification time find it again on resume.
    Added {
        id: FileId,
        name: String,
        size: u64,
        last_modified_ms: u64,
    },
    /// A worker hashed the original bytes.
    Keyed {
        id: FileId,
        key: String,
    },
    /// The file was given to the page's upload input for the `attempt`-th time (1-based). Written
    /// *before* the hand-off, so a crash right after it is seen as "maybe uploaded".
    HandedToPage {
        id: FileId,
        attempt: u32,
    },
    /// The page confirmed the upload (or said the photo was already there) at `at_ms`.
    Uploaded {
        id: FileId,
        key: String,
        at_ms: u64,
    },
    Failed {
        id: FileId,
        reason: String,
    },
    Skipped {
        id: FileId,
        reason: String,
    },
    /// The user asked to retry a failed file: it starts over with fresh attempts.
    Requeued {
        id: FileId,
    },
}

impl JournalEntry {
    pub fn file_id(&self) -> FileId {
        match self {
            JournalEntry::Added { id, .. }
            | JournalEntry::Keyed { id, .. }
            | JournalEntry::HandedToPage { id, .. }
            | JournalEntry::Uploaded { id, .. }
            | JournalEntry::Failed { id, .. }
            | JournalEntry::Skipped { id, .. }
            | JournalEntry::Requeued { id } => *id,
        }
    }

    /// What this entry adds to the upload memory (the duplicate store): the content key and the
    /// date (YYYY-MM-DD, UTC) of a confirmed upload. `None` for every other entry, and for an
    /// upload whose bytes were never hashed.
    pub fn remembered_upload(&self) -> Option<(String, String)> {
        match self {
            JournalEntry::Uploaded { key, at_ms, .. } if !key.is_empty() => {
                Some((key.clone(), utc_date_from_ms(*at_ms)))
            }
            _ => None,
        }
    }
}

/// Where a file stood when the journal ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalOutcome {
    /// Not finished. `handed_unconfirmed`: its last hand-off to the page was never confirmed.
    Pending {
        handed_unconfirmed: bool,
    },
    Uploaded {
        at_ms: u64,
    },
    Failed {
        reason: String,
    },
    Skipped {
        reason: String,
    },
}

/// One file as the journal describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournaledFile {
    pub id: FileId,
    pub name: String,
    pub size: u64,
    pub last_modified_ms: u64,
    pub key: Option<String>,
    pub attempts: u32,
    pub outcome: JournalOutcome,
}

/// The journal folded into one record per file.
#[derive(Debug, Clone, Default)]
pub struct JournalFold {
    pub files: BTreeMap<FileId, JournaledFile>,
    /// Entries that named a file the journal never added, or added twice; kept out rather than
    /// failing the whole resume.
    pub ignored_entries: usize,
}

/// Reads the entries in order; a later fact about a file replaces an earlier one, except that
/// nothing undoes `Uploaded`: once the page confirmed a photo, it is in iCloud Photos.
pub fn fold_journal<'a>(entries: impl IntoIterator<Item = &'a JournalEntry>) -> JournalFold {
    let mut fold = JournalFold::default();
    for entry in entries {
        fold.apply(entry);
    }
    fold
}

impl JournalFold {
    /// Adds one more entry (see [`fold_journal`]).
    pub fn apply(&mut self, entry: &JournalEntry) {
        let fold = self;
        if let JournalEntry::Added {
            id,
            name,
            size,
            last_modified_ms,
        } = entry
        {
            if fold.files.contains_key(id) {
                fold.ignored_entries += 1;
            } else {
                fold.files.insert(
                    *id,
                    JournaledFile {
                        id: *id,
                        name: name.clone(),
                        size: *size,
                        last_modified_ms: *last_modified_ms,
                        key: None,
                        attempts: 0,
                        outcome: JournalOutcome::Pending {
                            handed_unconfirmed: false,
                        },
                    },
                );
            }
            return;
        }
        let Some(file) = fold.files.get_mut(&entry.file_id()) else {
            fold.ignored_entries += 1;
            return;
        };
        if matches!(file.outcome, JournalOutcome::Uploaded { .. }) {
            return;
        }
        match entry {
            // Added was taken care of above.
            JournalEntry::Added { .. } => {}
            JournalEntry::Keyed { key, .. } => file.key = Some(key.clone()),
            JournalEntry::HandedToPage { attempt, .. } => {
                file.attempts = file.attempts.max(*attempt);
                file.outcome = JournalOutcome::Pending {
                    handed_unconfirmed: true,
                };
            }
            JournalEntry::Uploaded { key, at_ms, .. } => {
                file.key = Some(key.clone());
                file.outcome = JournalOutcome::Uploaded { at_ms: *at_ms };
            }
            JournalEntry::Failed { reason, .. } => {
                file.outcome = JournalOutcome::Failed {
                    reason: reason.clone(),
                }
            }
            JournalEntry::Skipped { reason, .. } => {
                file.outcome = JournalOutcome::Skipped {
                    reason: reason.clone(),
                }
            }
            JournalEntry::Requeued { .. } => {
                file.attempts = 0;
                file.outcome = JournalOutcome::Pending {
                    handed_unconfirmed: false,
                };
            }
        }
    }

    /// The fewest entries that fold to the same files: per file its `Added`, and then only what
    /// the journal still has to say about it — its key, its attempts and where it stands. A
    /// settled file keeps two to four small entries however many steps it took; the rest of its
    /// history (hand-offs, requeues, repeated keys) is dropped. Entries are copied, not
    /// interpreted, so this holds whatever a reason field carries.
    pub fn compacted(&self) -> Vec<JournalEntry> {
        let mut entries = Vec::with_capacity(self.files.len() * 3);
        for file in self.files.values() {
            let id = file.id;
            entries.push(JournalEntry::Added {
                id,
                name: file.name.clone(),
                size: file.size,
                last_modified_ms: file.last_modified_ms,
            });
            let uploaded = matches!(file.outcome, JournalOutcome::Uploaded { .. });
            if let (Some(key), false) = (&file.key, uploaded) {
                entries.push(JournalEntry::Keyed {
                    id,
                    key: key.clone(),
                });
            }
            if file.attempts > 0 {
                entries.push(JournalEntry::HandedToPage {
                    id,
                    attempt: file.attempts,
                });
            }
            match &file.outcome {
                // Unconfirmed exactly when handed over (a requeue clears both), which the
                // hand-off entry above says.
                JournalOutcome::Pending { .. } => {}
                JournalOutcome::Uploaded { at_ms } => entries.push(JournalEntry::Uploaded {
                    id,
                    key: file.key.clone().unwrap_or_default(),
                    at_ms: *at_ms,
                }),
                JournalOutcome::Failed { reason } => entries.push(JournalEntry::Failed {
                    id,
                    reason: reason.clone(),
                }),
                JournalOutcome::Skipped { reason } => entries.push(JournalEntry::Skipped {
                    id,
                    reason: reason.clone(),
                }),
            }
        }
        entries
    }
}

/// A journal rewritten as [`JournalFold::compacted`]: it replays to the same plan.
pub fn compact_journal<'a>(
    entries: impl IntoIterator<Item = &'a JournalEntry>,
) -> Vec<JournalEntry> {
    fold_journal(entries).compacted()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(id: u32) -> JournalEntry {
        JournalEntry::Added {
            id: FileId(id),
            name: format!("IMG_{id}.HEIC"),
            size: 1_000,
            last_modified_ms: 7,
        }
    }

    #[test]
    fn entries_serialise_with_a_type_tag() {
        let json = serde_json::to_string(&JournalEntry::HandedToPage {
            id: FileId(3),
            attempt: 2,
        })
        .unwrap();
        assert_eq!(json, r#"{"type":"HandedToPage","id":3,"attempt":2}"#);
        let back: JournalEntry = serde_json::from_str(&json).unwrap();
        assert_eq!(back.file_id(), FileId(3));
    }

    #[test]
    fn a_hand_off_without_confirmation_is_unconfirmed() {
        let fold = fold_journal(&[
            added(0),
            JournalEntry::HandedToPage {
                id: FileId(0),
                attempt: 1,
            },
        ]);
        assert_eq!(
            fold.files[&FileId(0)].outcome,
            JournalOutcome::Pending {
                handed_unconfirmed: true
            }
        );
    }

    #[test]
    fn uploaded_is_never_undone_and_strays_are_counted() {
        let key = "a".repeat(64);
        let fold = fold_journal(&[
            added(0),
            JournalEntry::Uploaded {
                id: FileId(0),
                key: key.clone(),
                at_ms: 5,
            },
            JournalEntry::Failed {
                id: FileId(0),
                reason: "late".into(),
            },
            JournalEntry::Keyed { id: FileId(9), key },
            added(0),
        ]);
        assert_eq!(
            fold.files[&FileId(0)].outcome,
            JournalOutcome::Uploaded { at_ms: 5 }
        );
        assert_eq!(fold.ignored_entries, 2);
    }

    /// Journals of every shape (a small random walk per file) compact to entries that fold to
    /// the same files, and a settled file keeps at most four entries.
    #[test]
    fn a_compacted_journal_folds_to_the_same_files() {
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for round in 0..50 {
            let mut entries = Vec::new();
            for id in 0..40 {
                entries.push(added(id));
            }
            for _ in 0..400 {
                let id = FileId(next(44) as u32); // a few strays too
                let key = format!("{:064x}", next(5));
                entries.push(match next(8) {
                    0 => JournalEntry::Keyed { id, key },
                    1 | 2 => JournalEntry::HandedToPage {
                        id,
                        attempt: 1 + next(3) as u32,
                    },
                    3 => JournalEntry::Uploaded {
                        id,
                        key,
                        at_ms: next(1000),
                    },
                    4 => JournalEntry::Failed {
                        id,
                        reason: format!("reason {round}"),
                    },
                    5 => JournalEntry::Skipped {
                        id,
                        reason: "skipped".into(),
                    },
                    6 => JournalEntry::Requeued { id },
                    _ => added(id.0),
                });
            }
            let fold = fold_journal(&entries);
            let compacted = compact_journal(&entries);
            assert_eq!(fold_journal(&compacted).files, fold.files, "round {round}");
            assert!(compacted.len() <= 4 * fold.files.len());
            for file in fold.files.values() {
                let settled = !matches!(file.outcome, JournalOutcome::Pending { .. });
                let count = compacted.iter().filter(|e| e.file_id() == file.id).count();
                assert!(!settled || count <= 4, "{count} entries for a settled file");
            }
        }
    }

    #[test]
    fn requeue_starts_a_failed_file_over() {
        let fold = fold_journal(&[
            added(0),
            JournalEntry::HandedToPage {
                id: FileId(0),
                attempt: 3,
            },
            JournalEntry::Failed {
                id: FileId(0),
                reason: "x".into(),
            },
            JournalEntry::Requeued { id: FileId(0) },
        ]);
        let file = &fold.files[&FileId(0)];
        assert_eq!(file.attempts, 0);
        assert_eq!(
            file.outcome,
            JournalOutcome::Pending {
                handed_unconfirmed: false
            }
        );
    }
}
