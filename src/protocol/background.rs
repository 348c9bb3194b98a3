//! The `background` boundary: the panel ↔ the extension's background, which keeps what a frame
//! inside icloud.com cannot keep itself (the browser denies it IndexedDB and Web Locks): the
//! handles of dropped files and whose turn it is to upload. Each request goes with a transferred
//! port; the answer comes back on it. File-system handles ride beside as `handles`.

use super::Boundary;
use serde::{Deserialize, Serialize};
use strum::EnumIter;

/// Panel → background.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToBackground {
    /// May this panel drive uploads? (One panel at a time: they share the journal.)
    TakeTurn,
    /// Keep these handles (beside, as `handles`) for the upload in progress.
    KeepHandles,
    /// The handles kept for the interrupted upload.
    KeptHandles,
    /// The upload is over or discarded: forget its handles.
    ForgetHandles,
}

impl Boundary for ToBackground {
    const NAME: &'static str = "background";
    const FROM: &'static str = "panel";
    const TO: &'static str = "background";
}

/// Background → panel, on the request's port.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum FromBackground {
    Turn {
        granted: bool,
    },
    /// The kept handles ride beside, as `handles`.
    Handles,
    Done,
    Error {
        message: String,
    },
}

impl Boundary for FromBackground {
    const NAME: &'static str = "background";
    const FROM: &'static str = "background";
    const TO: &'static str = "panel";
}
