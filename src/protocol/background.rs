//! The `background` boundary: the panel ↔ the extension's background, which keeps what a frame
//! inside icloud.com cannot keep itself (the browser denies it IndexedDB and Web Locks): the
//! handles of dropped files and whose turn it is to upload; and it shows the toolbar badge and
//! the system notifications the panel decides on (`panel_model::News`). Each request goes with a
//! transferred port; the answer comes back on it. File-system handles ride beside as `handles`,
//! and every such request carries the panel's `token` beside it: only a verified panel is
//! answered.
//!
//! Two requests go by extension messaging instead (`chrome.runtime.sendMessage`), which tells the
//! background the sender's tab and frame and which the page cannot see: the content script's
//! `RegisterPanel` and the panel's `VerifyPanel`, which together make the one authenticated
//! channel between the panel and the content script that injected it.

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
    /// From the content script (top frame): this load of the panel it injected in its tab (frame
    /// `frame_id`, or -1 where the browser cannot tell) is connected with `secret`.
    RegisterPanel { frame_id: i32, secret: String },
    /// From the panel: the connection it was offered carries `secret`. Granted (`Verified`) once,
    /// to the frame the content script registered, when the secret is that frame's.
    VerifyPanel { secret: String },
    /// May this panel drive uploads? (One panel at a time: they share the journal.)
    TakeTurn,
    /// Keep these handles (beside, as `handles`) for the upload in progress.
    KeepHandles,
    /// The handles kept for the interrupted upload.
    KeptHandles,
    /// The upload is over or discarded: forget its handles.
    ForgetHandles,
    /// The images chosen on web pages ("Upload to iCloud Photos" in the context menu) that the
    /// background fetched and keeps: give them to this panel and forget them (each goes to one
    /// panel, once).
    TakeWebImages,
    /// Show on the toolbar button, for every tab: `text` on its badge (empty: no badge) on
    /// `color` (`#rrggbb`), and `title` as its tooltip. Sent only when it changes. A badge
    /// `until_seen` (a result) goes when the user comes to the panel's tab.
    SetBadge {
        text: String,
        color: String,
        title: String,
        until_seen: bool,
    },
    /// A system notification about this panel's upload, unless the user is looking at the
    /// panel's tab already; clicking it brings that tab and its panel forward. One per tab: a
    /// new one replaces the last.
    Notify { title: String, message: String },
    /// This panel's notification is stale (the user came back, the wait is over): take it away.
    WithdrawNotification,
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
    /// The panel is the one its content script injected: `token` rides beside its later requests.
    Verified {
        token: String,
    },
    Turn {
        granted: bool,
    },
    /// The kept handles ride beside, as `handles`.
    Handles,
    /// The web images taken; their bytes ride beside as `buffers` (one `ArrayBuffer`, or null
    /// when the fetch gave none, per image, in order).
    WebImages {
        images: Vec<WebImage>,
    },
    Done,
    Error {
        message: String,
    },
}

/// An image the user chose on a web page, as the background fetched it (what to make of it is
/// decided in `panel_model::web_image`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebImage {
    /// The image's own address.
    pub src_url: String,
    /// The address of the page it was on: kept in the JPEG's XMP (`dc:source`).
    pub page_url: String,
    /// The HTTP status of the fetch; 0 when there was no answer.
    pub status: u16,
    /// The `Content-Type` the server gave ("" when none).
    pub media_type: String,
    /// The image's HTTP `Last-Modified`, in ms since the Unix epoch, when the server gave one.
    pub last_modified_ms: Option<u64>,
    /// When the user chose the image, in ms since the Unix epoch.
    pub chosen_ms: u64,
}

impl Boundary for FromBackground {
    const NAME: &'static str = "background";
    const FROM: &'static str = "background";
    const TO: &'static str = "panel";
}
