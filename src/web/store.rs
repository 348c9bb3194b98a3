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
use crate::queue::memory::{self, RememberedUpload};
use crate::queue::{JournalEntry, JournalFold, PlanConfig};
use js_sys::{Array, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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
/// Entries per chunk of a compacted journal.
const COMPACTED_CHUNK_ENTRIES: usize = 2048;
/// The journal is compacted once as many entries were appended since it last was as the compacted
/// journal holds (at least COMPACT_AFTER_ENTRIES), so the work of compacting stays proportional
/// to what was appended; or once the appended chunks (each persisted step is one) are eight times
/// as many as the compacted journal's (at least COMPACT_AFTER_CHUNKS), so the keys in storage stay
/// few.
const COMPACT_AFTER_CHUNKS: u32 = 512;
const COMPACT_AFTER_ENTRIES: usize = 4096;

fn journal_key(generation: u32, chunk: u32) -> String {
    if generation == 0 {
        format!("{JOURNAL_PREFIX}{chunk}")
    } else {
        format!("{JOURNAL_PREFIX}g{generation}.{chunk}")
    }
}

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

/// What the user (or a test) may set; everything has a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub batch_size: usize,
    pub upload_timeout_ms: u64,
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub upload_duplicates: bool,
    pub quality: u8,
    pub date_rescue: bool,
    /// Keep an iPhone photo's HDR gain map in the JPEG (ISO 21496-1); on unless turned off.
    pub hdr_gain_map: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        let plan = PlanConfig::default();
        Settings {
            batch_size: plan.batch_size,
            upload_timeout_ms: plan.upload_timeout_ms,
            max_attempts: plan.max_attempts,
            backoff_base_ms: plan.backoff_base_ms,
            upload_duplicates: false,
            quality: 92,
            date_rescue: true,
            hdr_gain_map: true,
        }
    }
}

impl Settings {
    pub fn plan_config(&self, workers: usize) -> PlanConfig {
        let defaults = PlanConfig::default();
        PlanConfig {
            batch_size: self.batch_size.max(1),
            convert_ahead: PlanConfig::convert_ahead_files(self.batch_size, workers),
            max_converting: workers.max(1),
            max_attempts: self.max_attempts.max(1),
            backoff_base_ms: self.backoff_base_ms,
            upload_timeout_ms: self.upload_timeout_ms.max(1_000),
            upload_duplicates: self.upload_duplicates,
            ..defaults
        }
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
    fold: JournalFold,
    /// Chunks and entries appended since the last compaction, and the entries it wrote.
    #[serde(skip)]
    appended: (u32, usize),
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

/// A journal chunk as stored: its entries as one JSON text (read back in one parse; an array of
/// objects, as written before, costs the browser an object per entry each way).
fn chunk_text(entries: &[JournalEntry]) -> Result<JsValue, JsValue> {
    serde_json::to_string(entries)
        .map(JsValue::from)
        .map_err(|error| JsValue::from(error.to_string()))
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

/// Appends entries to the journal as a new chunk, and remembers the uploads among them (by content
/// key, with the date they went up) in the upload memory. One `set`, so meta, chunk and memory land
/// together or not at all. When the write fails, `on_failure` gets the entries back with the
/// browser's reason: never a silent loss (a skipped chunk number is read as empty).
pub fn append_journal(
    meta: &mut JournalMeta,
    entries: &[JournalEntry],
    on_failure: impl FnOnce(Vec<JournalEntry>, String) + 'static,
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
