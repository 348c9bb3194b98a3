//! The journal in storage: its meta and chunks, appended as the plan records steps, compacted
//! into a new generation as files settle (see the layout in `store`), and dropped when the upload
//! it describes is over.

use super::{
    append_memory, fire, log_failure, storage_remove, storage_set, to_js, JOURNAL_META,
    JOURNAL_PREFIX,
};
use crate::queue::memory::RememberedUpload;
use crate::queue::{JournalEntry, JournalFold};
use js_sys::{Array, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Entries per chunk of a compacted journal.
const COMPACTED_CHUNK_ENTRIES: usize = 2048;
/// The journal is compacted once as many entries were appended since it last was as the compacted
/// journal holds (at least COMPACT_AFTER_ENTRIES), so the work of compacting stays proportional
/// to what was appended; or once the appended chunks (each persisted step is one) are eight times
/// as many as the compacted journal's (at least COMPACT_AFTER_CHUNKS), so the keys in storage stay
/// few.
const COMPACT_AFTER_CHUNKS: u32 = 512;
const COMPACT_AFTER_ENTRIES: usize = 4096;

pub(super) fn journal_key(generation: u32, chunk: u32) -> String {
    if generation == 0 {
        format!("{JOURNAL_PREFIX}{chunk}")
    } else {
        format!("{JOURNAL_PREFIX}g{generation}.{chunk}")
    }
}

/// Journal progress already in storage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalMeta {
    pub started_ms: f64,
    pub chunks: u32,
    /// Which compaction of the journal its chunks belong to (0: never compacted).
    #[serde(default)]
    pub generation: u32,
    /// The journal so far, folded: what a compaction writes.
    #[serde(skip)]
    pub(super) fold: JournalFold,
    /// Chunks and entries appended since the last compaction, and the entries it wrote.
    #[serde(skip)]
    pub(super) appended: (u32, usize),
    #[serde(skip)]
    compacted_entries: usize,
    /// A compaction's write failed: the next write compacts again (the storage still holds the
    /// previous generation, which the new chunks must not be appended to).
    #[serde(skip)]
    compaction_failed: Rc<Cell<bool>>,
}

impl JournalMeta {
    pub fn new(started_ms: f64) -> JournalMeta {
        JournalMeta {
            started_ms,
            ..JournalMeta::default()
        }
    }

    fn wants_compaction(&self) -> bool {
        let (chunks, entries) = self.appended;
        let compacted_chunks = self.compacted_entries.div_ceil(COMPACTED_CHUNK_ENTRIES) as u32;
        self.compaction_failed.get()
            || chunks >= COMPACT_AFTER_CHUNKS.max(8 * compacted_chunks)
            || entries >= COMPACT_AFTER_ENTRIES.max(self.compacted_entries)
    }
}

/// A journal chunk as stored: its entries as one JSON text (read back in one parse; an array of
/// objects, as written before, costs the browser an object per entry each way).
fn chunk_text(entries: &[JournalEntry]) -> Result<JsValue, JsValue> {
    serde_json::to_string(entries)
        .map(JsValue::from)
        .map_err(|error| JsValue::from(error.to_string()))
}

/// Appends entries to the journal as a new chunk, and remembers the uploads among them (by content
/// key, with the date they went up) in the upload memory. One `set`, so meta, chunk and memory land
/// together or not at all. When the write fails, `on_failure` gets the entries back with the
/// browser's reason: never a silent loss (a skipped chunk number is read as empty).
pub fn append_journal(
    meta: &mut JournalMeta,
    entries: &[JournalEntry],
    on_failure: impl FnOnce(Vec<JournalEntry>, String) + 'static,
    on_written: impl FnOnce() + 'static,
) {
    if entries.is_empty() {
        return;
    }
    for entry in entries {
        meta.fold.apply(entry);
    }
    // (the write, the chunks of the generation it replaces when it compacts, whether it compacts)
    let mut write = || -> Result<(Promise, Option<Array>, bool), JsValue> {
        let items = Object::new();
        let remembered: Vec<RememberedUpload> = entries
            .iter()
            .filter_map(JournalEntry::remembered_upload)
            .filter_map(|(key, date)| RememberedUpload::new(&key, &date).ok())
            .collect();
        append_memory(&items, &remembered)?;
        let mut superseded = None;
        let compacts = meta.wants_compaction();
        if compacts {
            // The fold already holds these entries: the new generation says all of it.
            let compacted = meta.fold.compacted();
            let generation = meta.generation + 1;
            let mut chunks = 0;
            for part in compacted.chunks(COMPACTED_CHUNK_ENTRIES) {
                let chunk = chunk_text(part)?;
                Reflect::set(&items, &journal_key(generation, chunks).into(), &chunk)?;
                chunks += 1;
            }
            // The previous generation goes once the new one has landed (the old meta, if this
            // write fails, still points at it).
            if !meta.compaction_failed.get() {
                superseded = Some(
                    (0..meta.chunks)
                        .map(|n| JsValue::from(journal_key(meta.generation, n)))
                        .collect(),
                );
            }
            meta.generation = generation;
            meta.chunks = chunks;
            meta.appended = (0, 0);
            meta.compacted_entries = compacted.len();
            meta.compaction_failed = Rc::new(Cell::new(false));
        } else {
            let chunk = chunk_text(entries)?;
            Reflect::set(
                &items,
                &journal_key(meta.generation, meta.chunks).into(),
                &chunk,
            )?;
            meta.chunks += 1;
            meta.appended.0 += 1;
            meta.appended.1 += entries.len();
        }
        Reflect::set(&items, &JOURNAL_META.into(), &to_js(meta)?)?;
        Ok((storage_set(&items), superseded, compacts))
    };
    let reason = |error: &JsValue| {
        log_failure("writing the journal", error);
        js_sys::Reflect::get(error, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| error.as_string())
            .unwrap_or_else(|| format!("{error:?}"))
    };
    let entries = entries.to_vec();
    let written = write();
    // The compaction this write may be: a failure makes the next write compact again.
    let compaction_failed = meta.compaction_failed.clone();
    match written {
        Ok((promise, superseded, compacts)) => wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(promise).await {
                Ok(_) => {
                    if let Some(keys) = superseded {
                        fire(storage_remove(&keys), "removing the compacted journal");
                    }
                    on_written();
                }
                Err(error) => {
                    if compacts {
                        compaction_failed.set(true);
                    }
                    on_failure(entries, reason(&error));
                }
            }
        }),
        Err(error) => on_failure(entries, reason(&error)),
    }
}

/// Drops the journal: the upload it describes is finished or discarded.
pub fn clear_journal(meta: &JournalMeta) {
    let keys: Array = (0..meta.chunks)
        .map(|n| JsValue::from(journal_key(meta.generation, n)))
        .chain(std::iter::once(JsValue::from(JOURNAL_META)))
        .collect();
    fire(storage_remove(&keys), "clearing the journal");
}
