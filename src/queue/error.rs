//! Everything the upload plan can refuse. The web shell gets these as values, never as panics,
//! because a late or repeated message from a worker or the page must not take the panel down.

use serde::{Deserialize, Serialize};

use super::state::{FileId, FileState};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum QueueError {
    #[error("there is no file {0} in the plan")]
    UnknownFile(FileId),

    /// The message does not fit the file's state, e.g. a conversion result for a file that was
    /// cancelled meanwhile. The shell may log and drop it.
    #[error("file {id} cannot go from {from} to {to}")]
    IllegalTransition {
        id: FileId,
        from: FileState,
        to: FileState,
    },

    /// The page reported an upload for a file we never gave it: believing that would put a file
    /// in the report as uploaded that nobody sent.
    #[error("file {0} was never handed to the page, so the page cannot have uploaded it")]
    NeverHandedToPage(FileId),

    /// A content key must be a hex SHA-256. An empty or garbage key would make unrelated photos
    /// "duplicates" of each other and skip them silently.
    #[error("{0:?} is not a hex SHA-256 content key")]
    InvalidContentKey(String),

    #[error("invalid plan configuration: {0}")]
    InvalidConfig(String),
}
