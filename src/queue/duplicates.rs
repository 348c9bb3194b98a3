//! Content keys and the two memories that make a photo a duplicate: photos photolift uploaded in
//! earlier sessions, and copies of the same photo within this plan.

use std::collections::HashMap;

use super::error::QueueError;
use super::memory::{key_bytes, RememberedUpload};
use super::state::FileId;

/// Checks that `key` is a hex SHA-256 and returns it in lower case, so keys from different
/// hashers compare equal.
pub fn normalise_content_key(key: &str) -> Result<String, QueueError> {
    let is_sha256_hex = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
    if is_sha256_hex {
        Ok(key.to_ascii_lowercase())
    } else {
        Err(QueueError::InvalidContentKey(key.to_string()))
    }
}

/// What the duplicate memories say about a freshly hashed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuplicateVerdict {
    New,
    /// photolift uploaded the same bytes on `date` (YYYY-MM-DD).
    UploadedBefore {
        date: String,
    },
    /// Another file of this plan has the same bytes and goes (or went) up instead.
    SameAsInPlan {
        first: FileId,
    },
}

#[derive(Debug, Clone, Default)]
pub struct DuplicateIndex {
    /// Photos uploaded in earlier sessions, loaded in bulk: sorted by key, 34 bytes each (a
    /// million photos are 34 MB).
    remembered: Vec<RememberedUpload>,
    /// Photos remembered one at a time since (this session's uploads): key → day of upload.
    remembered_since: HashMap<[u8; 32], u16>,
    /// key → the file of this plan that carries those bytes.
    owner_in_plan: HashMap<String, FileId>,
}

impl DuplicateIndex {
    /// Forgets the photos remembered from earlier sessions (the user cleared the memory).
    pub fn forget_remembered(&mut self) {
        self.remembered = Vec::new();
        self.remembered_since.clear();
    }

    /// Lets go of this plan's claims whose owner `settled` says is done with (uploaded): a copy
    /// added after the user forgot the uploaded photos is new again, not a twin in this drop.
    pub fn release_owners(&mut self, settled: impl Fn(FileId) -> bool) {
        self.owner_in_plan.retain(|_, owner| !settled(*owner));
    }

    pub fn remember_uploaded(&mut self, record: RememberedUpload) {
        self.remembered_since.insert(record.key, record.day);
    }

    /// Adds many remembered uploads at once (the memory as loaded from storage).
    pub fn remember_many(&mut self, records: impl IntoIterator<Item = RememberedUpload>) {
        self.remembered.extend(records);
        self.remembered.sort_unstable_by_key(|record| record.key);
        self.remembered.dedup_by_key(|record| record.key);
        self.remembered.shrink_to_fit();
    }

    /// The date (YYYY-MM-DD) photolift uploaded `key`'s bytes on, if it did.
    pub fn uploaded_on(&self, key: &str) -> Option<String> {
        let key = key_bytes(key)?;
        let day = self.remembered_since.get(&key).copied().or_else(|| {
            self.remembered
                .binary_search_by_key(&key, |record| record.key)
                .ok()
                .map(|at| self.remembered[at].day)
        })?;
        Some(super::memory::day_date(day))
    }

    /// `file`'s verdict for `key`. `owner_still_counts(id)` says whether an earlier copy is still
    /// going up (or went up): a copy that failed or was skipped must not hold its twins back.
    pub fn verdict(
        &self,
        key: &str,
        file: FileId,
        owner_still_counts: impl Fn(FileId) -> bool,
    ) -> DuplicateVerdict {
        if let Some(date) = self.uploaded_on(key) {
            return DuplicateVerdict::UploadedBefore { date };
        }
        match self.owner_in_plan.get(key) {
            Some(&first) if first != file && owner_still_counts(first) => {
                DuplicateVerdict::SameAsInPlan { first }
            }
            _ => DuplicateVerdict::New,
        }
    }

    /// The file of this plan that carries `key`'s bytes, if any.
    pub fn owner_in_plan(&self, key: &str) -> Option<FileId> {
        self.owner_in_plan.get(key).copied()
    }

    /// `file` is the copy of `key` that goes up.
    pub fn claim(&mut self, key: String, file: FileId) {
        self.owner_in_plan.insert(key, file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

    #[test]
    fn keys_are_checked_and_lower_cased() {
        assert_eq!(
            normalise_content_key(KEY).unwrap(),
            KEY.to_ascii_lowercase()
        );
        assert!(normalise_content_key("").is_err());
        assert!(normalise_content_key(&KEY[1..]).is_err());
        assert!(normalise_content_key(&KEY.replace('F', "g")).is_err());
    }

    #[test]
    fn uploaded_before_wins_over_a_twin_in_the_plan() {
        let mut index = DuplicateIndex::default();
        let key = KEY.to_ascii_lowercase();
        index.claim(key.clone(), FileId(1));
        index.remember_uploaded(RememberedUpload::new(&key, "2026-11-20").unwrap());
        assert_eq!(
            index.verdict(&key, FileId(2), |_| true),
            DuplicateVerdict::UploadedBefore {
                date: "2026-11-20".into()
            }
        );
    }

    #[test]
    fn memories_loaded_in_bulk_and_one_at_a_time_are_both_known() {
        let mut index = DuplicateIndex::default();
        let keys: Vec<String> = (0..1000u32).map(|n| format!("{:064x}", n * 7919)).collect();
        index.remember_many(
            keys.iter()
                .map(|key| RememberedUpload::new(key, "2026-01-02").unwrap()),
        );
        let late = "f".repeat(64);
        index.remember_uploaded(RememberedUpload::new(&late, "2026-11-30").unwrap());
        for key in &keys {
            assert_eq!(index.uploaded_on(key).as_deref(), Some("2026-01-02"));
        }
        assert_eq!(index.uploaded_on(&late).as_deref(), Some("2026-11-30"));
        assert_eq!(index.uploaded_on(&"e".repeat(64)), None);
        index.forget_remembered();
        assert_eq!(index.uploaded_on(&keys[0]), None);
    }

    #[test]
    fn a_file_is_not_its_own_duplicate_and_a_dead_owner_does_not_count() {
        let mut index = DuplicateIndex::default();
        let key = KEY.to_ascii_lowercase();
        index.claim(key.clone(), FileId(1));
        assert_eq!(
            index.verdict(&key, FileId(1), |_| true),
            DuplicateVerdict::New
        );
        assert_eq!(
            index.verdict(&key, FileId(2), |_| true),
            DuplicateVerdict::SameAsInPlan { first: FileId(1) }
        );
        assert_eq!(
            index.verdict(&key, FileId(2), |_| false),
            DuplicateVerdict::New
        );
    }
}
