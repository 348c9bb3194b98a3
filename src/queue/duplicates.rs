//! Content keys and the two memories that make a photo a duplicate: photos photolift uploaded in
//! earlier sessions, and copies of the same photo within this plan.

use std::collections::HashMap;

use super::error::QueueError;
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
    /// key → date of upload, from the duplicate store (earlier sessions).
    known_uploaded: HashMap<String, String>,
    /// key → the file of this plan that carries those bytes.
    owner_in_plan: HashMap<String, FileId>,
}

impl DuplicateIndex {
    /// Forgets the photos remembered from earlier sessions (the user cleared the memory).
    pub fn forget_remembered(&mut self) {
        self.known_uploaded.clear();
    }

    pub fn remember_uploaded(&mut self, key: String, date: String) {
        self.known_uploaded.insert(key, date);
    }

    /// `file`'s verdict for `key`. `owner_still_counts(id)` says whether an earlier copy is still
    /// going up (or went up): a copy that failed or was skipped must not hold its twins back.
    pub fn verdict(
        &self,
        key: &str,
        file: FileId,
        owner_still_counts: impl Fn(FileId) -> bool,
    ) -> DuplicateVerdict {
        if let Some(date) = self.known_uploaded.get(key) {
            return DuplicateVerdict::UploadedBefore { date: date.clone() };
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
        index.remember_uploaded(key.clone(), "2026-11-20".into());
        assert_eq!(
            index.verdict(&key, FileId(2), |_| true),
            DuplicateVerdict::UploadedBefore {
                date: "2026-11-20".into()
            }
        );
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
