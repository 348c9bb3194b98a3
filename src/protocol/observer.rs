//! The `observer` boundary: the page observer, a small script in the Photos app's own JavaScript
//! realm (the only place the page's own requests can be seen), ↔ the content script. The
//! observer never sends anything to iCloud itself; it reports the page's requests as facts and
//! leaves every judgement to the site adapter on the content script's side.

use super::Boundary;
use serde::{Deserialize, Serialize};
use strum::EnumIter;

/// Observer → content script.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum FromObserver {
    /// The observer runs in this app frame.
    Ready,
    /// The page started a request (XMLHttpRequest or fetch). `request` numbers it within the frame.
    RequestStarted {
        request: u32,
        method: String,
        url: String,
        body: BodyFacts,
    },
    /// Upload progress of a request's body.
    RequestProgress {
        request: u32,
        loaded: f64,
        total: f64,
    },
    /// The request ended: `status` 0 when the connection failed or it was aborted. `text` is the
    /// answer's body, only for requests the site adapter says carry upload outcomes.
    RequestEnded {
        request: u32,
        status: u16,
        text: Option<String>,
    },
    /// The page exchanged a message with one of its workers: it is at work.
    WorkerTraffic { bytes: f64 },
    /// The next file chooser the page opens will be suppressed (answer to `SuppressNextPicker`).
    PickerSuppressed { token: String },
}

impl Boundary for FromObserver {
    const NAME: &'static str = "observer";
    const FROM: &'static str = "observer";
    const TO: &'static str = "content";
}

/// Content script → observer.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToObserver {
    /// photolift clicks the page's Upload button only to make the app mount its file input: the
    /// chooser that click opens must not pop up in front of the user.
    SuppressNextPicker { token: String },
}

impl Boundary for ToObserver {
    const NAME: &'static str = "observer";
    const FROM: &'static str = "content";
    const TO: &'static str = "observer";
}

/// What a request's body is, without its bytes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BodyFacts {
    /// `none`, `text`, `file`, `blob`, `array-buffer`, `form-data` or `other`.
    pub kind: String,
    pub size: f64,
    /// A `File` body's (or a `FormData` file's) name and modification time.
    pub name: Option<String>,
    pub last_modified: Option<f64>,
    /// A text body, only for requests the site adapter says carry upload facts.
    pub text: Option<String>,
}
