//! photolift's memory in the extension's own storage (`chrome.storage.local`, on this computer
//! only): the user's settings, the photos it already uploaded (by content key), and the journal of
//! the upload in progress, so a reload, crash or closed tab can resume without sending anything twice.
//!
//! Layout (built for a lifetime of photos: a million remembered uploads, a journal of any size):
//! - `photolift.settings`: an object.
//! - The upload memory: `photolift.mem.<n>`, each a base64 string of up to
//!   [`MEMORY_CHUNK_RECORDS`] packed records (`queue::memory`: 34 bytes a photo). Only the last
//!   chunk is ever rewritten (appended to), so recording an upload never rewrites the memory.
//!   Written before: `photolift.up.<hex key>` = date, one key per photo; read, and moved into the
//!   packed chunks on the first load.
//! - The journal: `photolift.journal.meta` = {startedMs, chunks, generation}, and its chunks
//!   `photolift.journal.g<generation>.<n>` (generation 0, as written before: `photolift.journal.<n>`),
//!   each the JSON text of an array of entries (written before: the array itself), appended, never
//!   rewritten. As files settle the journal is compacted
//!   (`JournalFold::compacted`: a settled file keeps two to four small entries) into the next
//!   generation, written in one `set` with its meta; the old generation's chunks are removed after.
//!
use crate::panel_model::Settings;
use crate::queue::memory::{self, RememberedUpload};
use crate::queue::JournalEntry;
use js_sys::{Array, Object, Promise, Reflect};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

mod journal;

use journal::journal_key;
pub use journal::{append_journal, clear_journal, JournalMeta};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get)]
    fn storage_get(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set)]
    fn storage_set(items: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove)]
    fn storage_remove(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = getBytesInUse)]
    fn storage_bytes_in_use(keys: &JsValue) -> Promise;
}

/// Bytes photolift's storage holds (all of it), as the browser counts them.
pub async fn bytes_in_use() -> Result<f64, JsValue> {
    Ok(JsFuture::from(storage_bytes_in_use(&JsValue::NULL))
        .await?
        .as_f64()
        .unwrap_or(0.0))
}

/// Resolves once every storage operation started before it is done (the browser runs them in
/// order).
pub async fn settled() -> Result<(), JsValue> {
    JsFuture::from(storage_get(&JOURNAL_META.into())).await?;
    Ok(())
}

/// Adds `records` to the upload memory in one write (what [`append_journal`] does for uploads).
pub async fn remember(records: &[RememberedUpload]) -> Result<(), JsValue> {
    let items = Object::new();
    append_memory(&items, records)?;
    JsFuture::from(storage_set(&items)).await?;
    Ok(())
}

const SETTINGS: &str = "photolift.settings";
/// The upload memory as written before the packed chunks: one key per photo.
const OLD_UPLOADED_PREFIX: &str = "photolift.up.";
const MEMORY_PREFIX: &str = "photolift.mem.";
const JOURNAL_META: &str = "photolift.journal.meta";
const JOURNAL_PREFIX: &str = "photolift.journal.";

/// Records per memory chunk: 34 KB packed, 46 KB stored; the last one is rewritten per write.
pub const MEMORY_CHUNK_RECORDS: usize = 1024;

/// Where the upload memory is appended: the last chunk, and the records in it.
#[derive(Default)]
struct MemoryLog {
    chunk: u32,
    records: Vec<u8>,
}

thread_local! {
    static MEMORY_LOG: RefCell<MemoryLog> = RefCell::new(MemoryLog::default());
}

/// Adds `records` to the memory's last chunk(s) and puts the chunks they changed in `items`.
fn append_memory(items: &Object, records: &[RememberedUpload]) -> Result<(), JsValue> {
    MEMORY_LOG.with(|log| {
        let mut log = log.borrow_mut();
        let mut rest = records;
        while !rest.is_empty() {
            let room = MEMORY_CHUNK_RECORDS - log.records.len() / RememberedUpload::BYTES;
            let (now, later) = rest.split_at(room.min(rest.len()));
            memory::pack(now, &mut log.records);
            let text = memory::encode_base64(&log.records);
            Reflect::set(
                items,
                &format!("{MEMORY_PREFIX}{}", log.chunk).into(),
                &text.into(),
            )?;
            if log.records.len() / RememberedUpload::BYTES >= MEMORY_CHUNK_RECORDS {
                log.chunk += 1;
                log.records.clear();
            }
            rest = later;
        }
        Ok(())
    })
}

/// Everything read at start.
#[derive(Default)]
pub struct Loaded {
    pub settings: Settings,
    /// The upload memory, packed (a million photos are 34 MB).
    pub uploaded: Vec<RememberedUpload>,
    pub journal_meta: Option<JournalMeta>,
    pub journal: Vec<JournalEntry>,
}

fn log_failure(what: &str, error: &JsValue) {
    web_sys::console::warn_2(&format!("photolift storage: {what} failed").into(), error);
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// Reads settings, the upload memory and the journal in one pass. Moves an upload memory written
/// in the old layout (one key per photo) into packed chunks, and removes journal chunks a
/// compaction left behind (the tab closed before it removed them).
pub async fn load() -> Result<Loaded, JsValue> {
    let all = JsFuture::from(storage_get(&JsValue::NULL)).await?;
    let settings = Reflect::get(&all, &SETTINGS.into())
        .ok()
        .filter(|v| !v.is_undefined())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
        .unwrap_or_default();
    let mut journal_meta: Option<JournalMeta> = Reflect::get(&all, &JOURNAL_META.into())
        .ok()
        .filter(|v| !v.is_undefined())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
    let mut uploaded = Vec::new();
    let mut old_memory = Vec::new();
    let old_memory_keys = Array::new();
    let mut last_chunk: Option<(u32, Vec<u8>)> = None;
    let stale_journal = Array::new();
    let current_journal: std::collections::HashSet<String> = journal_meta
        .iter()
        .flat_map(|meta| (0..meta.chunks).map(|n| journal_key(meta.generation, n)))
        .collect();
    let keys = Object::keys(all.unchecked_ref::<Object>());
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if let Some(n) = key.strip_prefix(MEMORY_PREFIX) {
            let Ok(n) = n.parse::<u32>() else { continue };
            let text = Reflect::get(&all, &key.as_str().into())?
                .as_string()
                .unwrap_or_default();
            // A chunk this version cannot read is skipped, not fatal: the rest still counts.
            let Some(bytes) = memory::decode_base64(&text) else {
                continue;
            };
            uploaded.extend(memory::unpack(&bytes));
            if last_chunk.as_ref().is_none_or(|(last, _)| n > *last) {
                last_chunk = Some((n, bytes));
            }
        } else if let Some(content_key) = key.strip_prefix(OLD_UPLOADED_PREFIX) {
            let date = Reflect::get(&all, &key.as_str().into())?
                .as_string()
                .unwrap_or_default();
            if let Ok(record) = RememberedUpload::new(content_key, &date) {
                old_memory.push(record);
            }
            old_memory_keys.push(&key.as_str().into());
        } else if key.starts_with(JOURNAL_PREFIX)
            && key != JOURNAL_META
            && !current_journal.contains(&key)
        {
            stale_journal.push(&key.as_str().into());
        }
    }
    MEMORY_LOG.with(|log| {
        *log.borrow_mut() = match last_chunk {
            Some((chunk, records))
                if records.len() / RememberedUpload::BYTES < MEMORY_CHUNK_RECORDS =>
            {
                MemoryLog { chunk, records }
            }
            Some((chunk, _)) => MemoryLog {
                chunk: chunk + 1,
                records: Vec::new(),
            },
            None => MemoryLog::default(),
        }
    });
    if !old_memory.is_empty() {
        migrate_memory(&old_memory, old_memory_keys);
        uploaded.append(&mut old_memory);
    }
    if stale_journal.length() > 0 {
        fire(storage_remove(&stale_journal), "removing an old journal");
    }
    let mut journal = Vec::new();
    if let Some(meta) = &mut journal_meta {
        for n in 0..meta.chunks {
            let chunk = Reflect::get(&all, &journal_key(meta.generation, n).into())?;
            if chunk.is_undefined() {
                continue;
            }
            // An entry this version cannot read is skipped, not fatal: the rest still resumes.
            let entries: Vec<JournalEntry> = match chunk.as_string() {
                Some(text) => serde_json::from_str::<Vec<serde_json::Value>>(&text)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|value| serde_json::from_value(value).ok())
                    .collect(),
                // Written before chunks were JSON text: an array of objects.
                None => chunk
                    .unchecked_into::<Array>()
                    .iter()
                    .filter_map(|value| serde_wasm_bindgen::from_value(value).ok())
                    .collect(),
            };
            for entry in entries {
                meta.fold.apply(&entry);
                journal.push(entry);
            }
        }
        meta.appended = (meta.chunks, journal.len());
    }
    Ok(Loaded {
        settings,
        uploaded,
        journal_meta,
        journal,
    })
}

/// Writes an upload memory of the old layout (one key per photo) into packed chunks, and removes
/// the old keys once that write has landed.
fn migrate_memory(records: &[RememberedUpload], old_keys: Array) {
    let items = Object::new();
    if let Err(error) = append_memory(&items, records) {
        return log_failure("moving the upload memory", &error);
    }
    let written = storage_set(&items);
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(written).await {
            Ok(_) => fire(storage_remove(&old_keys), "removing the old upload memory"),
            Err(error) => log_failure("moving the upload memory", &error),
        }
    });
}

fn fire(promise: Promise, what: &'static str) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = JsFuture::from(promise).await {
            log_failure(what, &error);
        }
    });
}

/// Saves the settings (the user changed one in the panel).
pub fn save_settings(settings: &Settings) {
    let items = Object::new();
    match to_js(settings).and_then(|value| Reflect::set(&items, &SETTINGS.into(), &value)) {
        Ok(_) => fire(storage_set(&items), "saving settings"),
        Err(error) => log_failure("saving settings", &error),
    }
}

/// Forgets every uploaded photo (the user asked to).
pub async fn forget_uploaded() -> Result<(), JsValue> {
    MEMORY_LOG.with(|log| *log.borrow_mut() = MemoryLog::default());
    let all = JsFuture::from(storage_get(&JsValue::NULL)).await?;
    let keys: Array = Object::keys(all.unchecked_ref::<Object>())
        .iter()
        .filter(|k| {
            k.as_string()
                .is_some_and(|k| k.starts_with(MEMORY_PREFIX) || k.starts_with(OLD_UPLOADED_PREFIX))
        })
        .collect();
    JsFuture::from(storage_remove(&keys)).await?;
    Ok(())
}
