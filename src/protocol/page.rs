//! The `page` boundary: the panel (WASM, in an extension frame) ↔ the content script (in the
//! iCloud page). The files ride beside `UploadBatch` as `buffers`, one per file: a converted JPEG as
//! a `Blob`, a file that goes up unchanged (JPEG, video) as the user's own `File` (handles both:
//! no bytes are read or copied).

use super::Boundary;
use serde::{Deserialize, Serialize};
use strum::EnumIter;

/// Panel → content script.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToPage {
    /// The panel's WASM listens now (posted to the parent window; everything else goes over the
    /// port that `FromPage::Connect` brings).
    PanelReady,
    Hello,
    SetExpanded {
        expanded: bool,
    },
    SetTitle {
        title: String,
    },
    UploadBatch {
        batch: u32,
        files: Vec<BatchFile>,
    },
    /// The user moves the panel (dragging its bar, or the arrow keys on its move handle): by
    /// this many CSS pixels. The content script keeps it inside the window and remembers where.
    MovePanel {
        dx: f64,
        dy: f64,
    },
    /// The user resizes the panel (its corner grip, or the arrow keys on it): by this many CSS
    /// pixels, within the panel's limits.
    ResizePanel {
        dw: f64,
        dh: f64,
    },
    /// The move handle was clicked, not dragged: the panel goes to the next corner of the
    /// window (moving it without a dragging movement, WCAG 2.5.7).
    DockPanel,
    /// The pointer came over the panel (`inside`) or left it: the frame keeps still while the
    /// pointer is over it (a button must not jump from under a click).
    PointerOver {
        inside: bool,
    },
}

impl Boundary for ToPage {
    const NAME: &'static str = "page";
    const FROM: &'static str = "panel";
    const TO: &'static str = "content";
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchFile {
    pub id: u32,
    /// The name to upload under; unique with `last_modified` within its batch, because iCloud's
    /// registration answer is matched to the file by name and modification time.
    pub name: String,
    pub media_type: String,
    /// The original's `lastModified`: iCloud registers each upload with it.
    pub last_modified: f64,
}

/// Content script → panel.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum FromPage {
    /// The answer to `PanelReady`, posted to the panel's window with the port to use (transferred)
    /// and this load's secret, which the panel has the background verify before using the port.
    Connect {
        secret: String,
    },
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
    /// The page is at work on the batch in flight (a request of its upload flow, or its upload
    /// worker busy): the batch's timeout counts from now.
    PageActivity {
        batch: u32,
    },
    FileProgress {
        id: u32,
        loaded: f64,
        total: f64,
    },
    /// What iCloud decided about one file. `status` is the HTTP or registration status (0: the
    /// connection was lost or none was seen); `message` is Apple's own words, when it gave any.
    FileResult {
        id: u32,
        outcome: PageOutcome,
        status: u16,
        message: String,
    },
    /// The page no longer uploads in a way photolift recognises: stop, fail nothing, say so.
    PageChanged {
        diagnostics: Diagnostics,
    },
}

impl Boundary for FromPage {
    const NAME: &'static str = "page";
    const FROM: &'static str = "content";
    const TO: &'static str = "panel";
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, EnumIter)]
#[serde(rename_all = "kebab-case")]
pub enum PageStatus {
    Ready,
    SignedOut,
    NoWebAccess,
    #[default]
    Loading,
    /// The Photos app shows another view (Albums, Memories) whose toolbar has no Upload button.
    OtherView,
    /// The page's code is older than iCloud's service (the withdrawn upload host answered 410):
    /// reloading the page brings the current code.
    Outdated,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, EnumIter)]
#[serde(rename_all = "kebab-case")]
pub enum PageOutcome {
    /// iCloud registered the photo.
    #[default]
    Uploaded,
    /// iCloud already had it (a 409 registration entry): it is there, so it counts as uploaded.
    AlreadyThere,
    /// The session ended while the file was on its way: not the file's fault.
    SignedOut,
    /// The page's code is out of date (see `PageStatus::Outdated`): not the file's fault.
    Outdated,
    /// A fault worth another try (network, server error, a registration refused as retryable).
    Failed,
    /// iCloud refused the file and said trying again will not help.
    Refused,
    /// The page did no recognised work on the file for too long after its last upload activity.
    NeverStarted,
}

/// What a user can paste into a bug report when the page changed: no query strings, no bodies,
/// no cookies, no tokens.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    pub extension_version: String,
    /// The browser's user-agent string.
    pub browser: String,
    /// The adapter's checks of the page, each passed or not.
    pub checks: Vec<Check>,
    /// The page's requests around the hand-over, oldest first.
    pub requests: Vec<RequestRecord>,
    /// What the content script concluded, in plain words (English, for the bug report).
    pub finding: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub method: String,
    pub host: String,
    /// The path only, with segments that look like ids or tokens replaced.
    pub path: String,
    /// 0 while unanswered or when the connection failed.
    pub status: u16,
    /// What the adapter recognised the request as (`reserve`, `bytes`, `register`, …), or empty.
    pub kind: String,
    /// Milliseconds after the hand-over it started (negative: before it).
    pub at_ms: f64,
}
