//! The `worker` boundary: the panel ↔ a conversion worker. The `File` to convert rides along as
//! `file`; a converted JPEG comes back as the transferred `bytes` ArrayBuffer (an unchanged file
//! brings no bytes back: the panel hands over the original `File`).

use super::Boundary;
use crate::queue::Reason;
use serde::{Deserialize, Serialize};
use strum::EnumIter;

/// Panel → conversion worker.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToWorker {
    /// The first message to a worker, taken by `worker.js` before the Rust starts: the panel's
    /// compiled WebAssembly module rides along as `module` (one compilation for every worker);
    /// without it the worker compiles its own.
    Start,
    Convert {
        job: u32,
        quality: u8,
        date_rescue: bool,
        /// Keep an iPhone photo's HDR gain map (`ConvertOptions::hdr_gain_map`).
        hdr_gain_map: bool,
        /// The web page an image uploaded from a page was on (`ConvertOptions::source_url`),
        /// written to the JPEG's XMP as `dc:source`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_url: Option<String>,
    },
}

impl Boundary for ToWorker {
    const NAME: &'static str = "worker";
    const FROM: &'static str = "panel";
    const TO: &'static str = "worker";
}

/// Conversion worker → panel.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
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
        /// The row's thumbnail as a `data:` URL, made by the conversion from the pixels it had
        /// (`convert::Jpeg::thumbnail`); absent for a file that goes up unchanged, whose
        /// thumbnail the panel has the browser make.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thumbnail: Option<String>,
    },
    Failed {
        job: u32,
        /// Typed, turned into words only when shown. Not a photo or video at all
        /// ([`Reason::is_not_media`]): listed as skipped, not failed.
        reason: Reason,
    },
    /// The worker panicked; its WASM instance is no longer trustworthy and must be replaced.
    Crashed {
        reason: String,
    },
}

impl Boundary for FromWorker {
    const NAME: &'static str = "worker";
    const FROM: &'static str = "worker";
    const TO: &'static str = "panel";
}
