//! Every message that crosses a context boundary of the extension, one typed enum per boundary
//! and direction, matched exhaustively. On the wire each is a plain object with one envelope:
//! `{photolift: <boundary>, type: <kebab-case variant>, ...camelCase fields}`.
//!
//! The boundaries:
//! - `observer`: the page observer (in the Photos app's own realm) ↔ the content script;
//! - `page`: the content script ↔ the panel;
//! - `worker`: the panel ↔ its conversion workers;
//! - `codecs`: a conversion worker ↔ its codecs module (TIFF, WebP, GIF, BMP decoders);
//! - `background`: the panel ↔ the extension's background (service worker).
//!
//! Bulk bytes never go through serde: they travel beside a message as transferred `ArrayBuffer`s
//! (`buffers`, `bytes`), a `File` (`file`) or file-system handles (`handles`).
//!
//! The JavaScript side names the same boundaries and types in `extension/protocol.js`; the test
//! `protocol_catalog` writes every variant of every enum here to a catalog that a node test checks
//! that file (and the JavaScript handlers) against, so the two cannot drift apart.

mod background;
mod catalog;
mod codecs;
mod diagnostics_text;
mod observer;
mod page;
mod worker;

pub use background::{FromBackground, ToBackground, WebImage};
pub use catalog::catalog;
pub use codecs::{FromCodecs, RareFormat, ToCodecs};
pub use observer::{BodyFacts, FromObserver, ToObserver};
pub use page::{
    BatchFile, Check, Diagnostics, FromPage, PageOutcome, PageStatus, RequestRecord, ToPage,
};
pub use worker::{FromWorker, ToWorker};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// One direction of one boundary: the enum of what may cross it, and the boundary's envelope name.
pub trait Boundary: Serialize + DeserializeOwned {
    /// The value of the envelope's `photolift` field.
    const NAME: &'static str;
    /// Who sends these messages and who receives them, as the catalog names them.
    const FROM: &'static str;
    const TO: &'static str;
}

/// The envelope field every message carries.
pub const ENVELOPE: &str = "photolift";
