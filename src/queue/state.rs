//! One file's place in the plan and the moves it may make.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::reason::Reason;

/// A file's stable number in the plan and in the journal. Never reused, also across resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Where a file is on its way to iCloud Photos.
///
/// `Queued → Converting → Ready → Uploading → Uploaded`, with `Skipped` and `Failed` as the other
/// ends. The reason for `Skipped`/`Failed` lives in [`PlannedFile::reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    /// Waiting for a conversion worker.
    Queued,
    /// A worker is converting it to JPEG.
    Converting,
    /// Converted; waiting to be handed to the page (possibly waiting out a retry backoff).
    Ready,
    /// Handed to the page's upload input; the page has not said how it went yet.
    Uploading,
    Uploaded,
    Skipped,
    Failed,
}

impl FileState {
    pub const ALL: [FileState; 7] = [
        FileState::Queued,
        FileState::Converting,
        FileState::Ready,
        FileState::Uploading,
        FileState::Uploaded,
        FileState::Skipped,
        FileState::Failed,
    ];

    /// Lower-case name used in reports and in the panel's `data-state`.
    ///
    /// The panel's test contract (README) has no "ready": the panel decides how to show a converted
    /// file that waits for its batch.
    pub fn as_str(self) -> &'static str {
        match self {
            FileState::Queued => "queued",
            FileState::Converting => "converting",
            FileState::Ready => "ready",
            FileState::Uploading => "uploading",
            FileState::Uploaded => "uploaded",
            FileState::Skipped => "skipped",
            FileState::Failed => "failed",
        }
    }

    /// Nothing more will happen to the file unless the user asks (retry) or the page sends a
    /// late confirmation.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            FileState::Uploaded | FileState::Skipped | FileState::Failed
        )
    }

    /// Whether the plan may move a file from `self` to `to`.
    ///
    /// The moves into `Uploaded` from `Ready`, `Failed` and `Skipped` are late confirmations:
    /// the page finished an upload after we had stopped waiting for it (timeout, cancel). The file
    /// *is* in iCloud Photos then, and recording that keeps us from sending it again. So is the
    /// move from `Queued`: a file restored from a journal that shows it handed to the page, whose
    /// confirmation reached the upload memory but not the journal. The plan only allows them for
    /// files that were handed to the page at least once.
    pub fn can_become(self, to: FileState) -> bool {
        use FileState::*;
        matches!(
            (self, to),
            (Queued, Converting)
                | (Queued, Skipped)
                | (Queued, Uploaded)
                | (Converting, Ready)
                | (Converting, Skipped)
                | (Converting, Failed)
                | (Ready, Uploading)
                | (Ready, Skipped)
                | (Ready, Uploaded)
                | (Uploading, Uploaded)
                | (Uploading, Ready)
                | (Uploading, Failed)
                | (Uploading, Skipped)
                | (Failed, Queued)
                | (Failed, Uploaded)
                | (Skipped, Uploaded)
        )
    }
}

impl fmt::Display for FileState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file of the plan, as the panel shows it and the report lists it.
///
/// Read-only outside the plan: the plan hands out `&PlannedFile` only, so its fields are public for
/// reading and every change goes through [`super::UploadPlan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedFile {
    pub id: FileId,
    pub name: String,
    pub size: u64,
    pub last_modified_ms: u64,
    pub state: FileState,
    /// Hex SHA-256 of the original bytes, once a worker has hashed them.
    pub content_key: Option<String>,
    /// How many times the file was handed to the page.
    pub attempts: u32,
    /// Why the file was skipped or failed. On an uploaded file, a note when the page answered
    /// "already there".
    pub reason: Option<Reason>,
    /// The page's last complaint while retries remain (shown while the file waits to retry).
    pub last_upload_error: Option<Reason>,
    /// A `Ready` file is not handed to the page before this time (retry backoff).
    pub not_before_ms: u64,
    pub uploaded_at_ms: Option<u64>,
    /// Restored from a journal that shows the file handed to the page but never confirmed: it may
    /// already be in iCloud Photos. It is sent again (see `UploadPlan::replay` for why that is safe).
    pub uncertain: bool,
    /// Restored from a journal and the user has not supplied the original file again yet; it
    /// cannot be converted until `match_resumed_file` finds it.
    pub needs_original: bool,
}

impl PlannedFile {
    pub(super) fn new(id: FileId, name: String, size: u64, last_modified_ms: u64) -> Self {
        PlannedFile {
            id,
            name,
            size,
            last_modified_ms,
            state: FileState::Queued,
            content_key: None,
            attempts: 0,
            reason: None,
            last_upload_error: None,
            not_before_ms: 0,
            uploaded_at_ms: None,
            uncertain: false,
            needs_original: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path_moves_are_allowed() {
        use FileState::*;
        for (from, to) in [
            (Queued, Converting),
            (Converting, Ready),
            (Ready, Uploading),
            (Uploading, Uploaded),
        ] {
            assert!(from.can_become(to), "{from} -> {to}");
        }
    }

    #[test]
    fn uploaded_is_the_end() {
        for to in FileState::ALL {
            assert!(!FileState::Uploaded.can_become(to), "uploaded -> {to}");
        }
    }

    #[test]
    fn no_skipping_conversion_or_hand_off() {
        use FileState::*;
        assert!(!Queued.can_become(Ready));
        assert!(!Queued.can_become(Uploading));
        assert!(!Converting.can_become(Uploading));
        assert!(!Skipped.can_become(Queued));
    }

    #[test]
    fn state_names_serialise_as_the_panel_expects() {
        assert_eq!(
            serde_json::to_string(&FileState::Uploading).unwrap(),
            "\"uploading\""
        );
        assert_eq!(FileState::Failed.to_string(), "failed");
    }
}
