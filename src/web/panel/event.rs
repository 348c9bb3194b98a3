//! Everything that happens to the panel, as one `Event` handled by `Driver::handle`: DOM input,
//! worker and page messages, the clock, and results of work that finishes later. Whoever produces
//! events (intake, the kept handles, the DOM wiring, async work) holds a [`Sender`], never the
//! driver itself.

use crate::queue::{FileId, JournalEntry};
use crate::web::pool::WorkerSignal;
use crate::web::store::StorageChange;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{File, MessagePort};

pub use crate::panel_model::{Action, PanelState};

/// Delivers an event to the driver (one at a time, from the JS event loop).
pub type Sender = Rc<dyn Fn(Event)>;

/// A file the user picked or dropped, with the path it was found under.
pub struct Picked {
    pub file: File,
    /// The path inside a picked or dropped folder, or the bare name.
    pub path: String,
}

pub enum Event {
    Picked(Vec<Picked>),
    /// A dropped folder is being read: this many files found so far.
    Reading(usize),
    /// Files read back from the handles the browser kept for an interrupted upload.
    Resumed(Vec<Picked>),
    /// The names of kept handles the browser no longer lets us read (it was restarted).
    DroppedBefore(Vec<String>),
    /// A button was pressed.
    Control(Action),
    SetUploadDuplicates(bool),
    Worker(WorkerSignal),
    Connected(MessagePort),
    Page(JsValue),
    ToggleExpanded,
    Scrolled,
    /// A key for the file list (arrows, Home, End, Page Up/Down).
    ListKey(String),
    /// A row of the list got focus; its `aria-posinset`.
    RowFocused(usize),
    /// The user moves, resizes or docks the panel: said to the content script, which owns the
    /// frame (`ToPage::MovePanel`, `ResizePanel`, `DockPanel`).
    Layout(crate::protocol::ToPage),
    /// The clock.
    Tick,
    Thumbnail(FileId, String),
    /// A journal write failed: its entries, back to be written again, and the browser's reason.
    StorageFailed(Vec<JournalEntry>, String),
    /// A journal write landed in storage.
    JournalWritten,
    /// Whether the diagnostics report reached the clipboard.
    DiagnosticsCopied(bool),
    /// Images chosen on web pages, taken from the background.
    WebImages(Vec<super::web_images::WebTaken>),
    /// The options page changed the settings or the upload memory.
    Storage(StorageChange),
}
