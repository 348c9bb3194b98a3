//! Every message that crosses a context boundary, one typed enum per boundary, matched
//! exhaustively. Bulk bytes never go through serde: they travel beside the message as transferred
//! `ArrayBuffer`s (`bytes`, `buffers`) or as a `File` (`file`).

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Panel → conversion worker. The `File` to convert rides along as the `file` property.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToWorker {
    Convert {
        job: u32,
        quality: u8,
        date_rescue: bool,
    },
}

/// Conversion worker → panel. `Converted` carries the output as a transferred `bytes` ArrayBuffer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum FromWorker {
    Ready,
    Converted {
        job: u32,
        /// The name to upload under (`IMG_1.HEIC` → `IMG_1.jpg`; unchanged files keep theirs).
        name: String,
        media_type: String,
        source_format: String,
        unchanged: bool,
        width: u32,
        height: u32,
        /// Hex SHA-256 of the original file: the duplicate key.
        content_key: String,
        kept_exif: bool,
        kept_icc: bool,
        date_rescued: bool,
    },
    Failed {
        job: u32,
        reason: String,
        /// Not a photo or video at all: listed as skipped, not failed.
        not_media: bool,
    },
    /// The worker panicked; its WASM instance is no longer trustworthy and must be replaced.
    Crashed {
        reason: String,
    },
}

/// Panel → content script. `UploadBatch` carries one transferred ArrayBuffer per file in `buffers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToPage {
    Hello,
    SetExpanded { expanded: bool },
    SetTitle { title: String },
    UploadBatch { batch: u32, files: Vec<BatchFile> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchFile {
    pub id: u32,
    pub name: String,
    pub media_type: String,
    /// The original's `lastModified`: iCloud registers each upload with it.
    pub last_modified: f64,
}

/// Content script → panel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum FromPage {
    PageStatus {
        status: PageStatus,
    },
    Show,
    BatchHanded {
        batch: u32,
    },
    BatchRefused {
        batch: u32,
        status: String,
    },
    FileProgress {
        id: u32,
        loaded: f64,
        total: f64,
    },
    FileResult {
        id: u32,
        outcome: PageOutcome,
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageStatus {
    Ready,
    SignedOut,
    NoWebAccess,
    Loading,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageOutcome {
    Uploaded,
    AlreadyThere,
    /// iCloud answered 401: the session is gone, the file is not at fault.
    SignedOut,
    Failed,
    Rejected,
    NeverStarted,
}

/// Serialises a message into a plain JS object (objects, not `Map`s, so JS glue reads it simply).
pub fn to_js<T: Serialize>(message: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    message.serialize(&serializer).map_err(JsValue::from)
}

pub fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}
