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
//!   packed chunks on the first load. The memory has a generation (started anew by "Forget
//!   uploaded photos"), and photos imported on the options page have chunks of their own: the
//!   keys are `panel_model::upload_memory::MemoryChunk`.
//! - The journal: `photolift.journal.meta` = {startedMs, chunks, generation}, and its chunks
//!   `photolift.journal.g<generation>.<n>` (generation 0, as written before: `photolift.journal.<n>`),
//!   each the JSON text of an array of entries (written before: the array itself), appended, never
//!   rewritten. As files settle the journal is compacted
//!   (`JournalFold::compacted`: a settled file keeps two to four small entries) into the next
//!   generation, written in one `set` with its meta; the old generation's chunks are removed after.
//!
use crate::panel_model::upload_memory::{
    MemoryChunk, GENERATION_KEY, MEMORY_PREFIX, OLD_UPLOADED_PREFIX,
};
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

pub const SETTINGS: &str = "photolift.settings";
const JOURNAL_META: &str = "photolift.journal.meta";
const JOURNAL_PREFIX: &str = "photolift.journal.";

/// Records per memory chunk: 34 KB packed, 46 KB stored; the last one is rewritten per write.
pub const MEMORY_CHUNK_RECORDS: usize = 1024;

/// Where the upload memory is appended: the last chunk, and the records in it.
#[derive(Default)]
struct MemoryLog {
    generation: u32,
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
            let key = MemoryChunk::Log {
                generation: log.generation,
                n: log.chunk,
            }
            .key();
            Reflect::set(items, &key.into(), &text.into())?;
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
    let settings = settings_from(&Reflect::get(&all, &SETTINGS.into())?);
    let mut journal_meta: Option<JournalMeta> = Reflect::get(&all, &JOURNAL_META.into())
        .ok()
        .filter(|v| !v.is_undefined())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
    let generation = stored_generation(&all);
    let mut uploaded = Vec::new();
    let mut old_memory = Vec::new();
    let old_memory_keys = Array::new();
    let mut last_chunk: Option<(u32, Vec<u8>)> = None;
    let stale_journal = Array::new();
    let stale_memory = Array::new();
    let current_journal: std::collections::HashSet<String> = journal_meta
        .iter()
        .flat_map(|meta| (0..meta.chunks).map(|n| journal_key(meta.generation, n)))
        .collect();
    let keys = Object::keys(all.unchecked_ref::<Object>());
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if key.starts_with(MEMORY_PREFIX) {
            let Some(chunk) = MemoryChunk::parse(&key) else {
                continue;
            };
            if chunk.generation() != generation {
                // Forgotten: written to a generation that "Forget uploaded photos" ended.
                stale_memory.push(&key.as_str().into());
                continue;
            }
            let text = Reflect::get(&all, &key.as_str().into())?
                .as_string()
                .unwrap_or_default();
            // A chunk this version cannot read is skipped, not fatal: the rest still counts.
            let Some(bytes) = memory::decode_base64(&text) else {
                continue;
            };
            uploaded.extend(memory::unpack(&bytes));
            if let MemoryChunk::Log { n, .. } = chunk {
                if last_chunk.as_ref().is_none_or(|(last, _)| n > *last) {
                    last_chunk = Some((n, bytes));
                }
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
                MemoryLog {
                    generation,
                    chunk,
                    records,
                }
            }
            Some((chunk, _)) => MemoryLog {
                generation,
                chunk: chunk + 1,
                records: Vec::new(),
            },
            None => MemoryLog {
                generation,
                ..MemoryLog::default()
            },
        }
    });
    if stale_memory.length() > 0 {
        fire(storage_remove(&stale_memory), "removing forgotten uploads");
    }
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

/// The settings in a stored value (defaults for what it lacks, numbers held to their ranges).
pub fn settings_from(value: &JsValue) -> Settings {
    Some(value)
        .filter(|v| !v.is_undefined() && !v.is_null())
        .and_then(|v| serde_wasm_bindgen::from_value::<Settings>(v.clone()).ok())
        .unwrap_or_default()
        .sanitized()
}

/// The upload memory's generation in what `storage_get` gave (0 when none was ever set).
fn stored_generation(all: &JsValue) -> u32 {
    Reflect::get(all, &GENERATION_KEY.into())
        .ok()
        .and_then(|v| v.as_f64())
        .map_or(0, |g| g as u32)
}

/// Forgets every uploaded photo (the user asked to, in the panel or on the options page): starts
/// the memory's next generation, then removes every chunk. A panel that appends to the old
/// generation after this wrote it adds nothing anyone reads.
pub async fn forget_uploaded() -> Result<(), JsValue> {
    let all = JsFuture::from(storage_get(&JsValue::NULL)).await?;
    let generation = stored_generation(&all) + 1;
    MEMORY_LOG.with(|log| {
        *log.borrow_mut() = MemoryLog {
            generation,
            ..MemoryLog::default()
        }
    });
    let items = Object::new();
    Reflect::set(&items, &GENERATION_KEY.into(), &generation.into())?;
    JsFuture::from(storage_set(&items)).await?;
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

/// The upload memory as it is in storage now (each photo as often as it was written).
pub async fn read_memory() -> Result<Vec<RememberedUpload>, JsValue> {
    let all = JsFuture::from(storage_get(&JsValue::NULL)).await?;
    let generation = stored_generation(&all);
    let mut records = Vec::new();
    let keys = Object::keys(all.unchecked_ref::<Object>());
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if let Some(chunk) = MemoryChunk::parse(&key) {
            if chunk.generation() != generation {
                continue;
            }
            let text = Reflect::get(&all, &key.as_str().into())?
                .as_string()
                .unwrap_or_default();
            if let Some(bytes) = memory::decode_base64(&text) {
                records.extend(memory::unpack(&bytes));
            }
        } else if let Some(content_key) = key.strip_prefix(OLD_UPLOADED_PREFIX) {
            let date = Reflect::get(&all, &key.as_str().into())?
                .as_string()
                .unwrap_or_default();
            if let Ok(record) = RememberedUpload::new(content_key, &date) {
                records.push(record);
            }
        }
    }
    Ok(records)
}

/// Adds imported photos to the upload memory, in chunks of their own (one write), so the panel's
/// log is never rewritten by an import.
pub async fn import(records: &[RememberedUpload]) -> Result<(), JsValue> {
    if records.is_empty() {
        return Ok(());
    }
    let all = JsFuture::from(storage_get(&GENERATION_KEY.into())).await?;
    let generation = stored_generation(&all);
    let batch = js_sys::Date::now() as u64;
    let items = Object::new();
    for (n, chunk) in records.chunks(MEMORY_CHUNK_RECORDS).enumerate() {
        let mut packed = Vec::with_capacity(chunk.len() * RememberedUpload::BYTES);
        memory::pack(chunk, &mut packed);
        let key = MemoryChunk::Import {
            generation,
            batch,
            n: n as u32,
        }
        .key();
        Reflect::set(&items, &key.into(), &memory::encode_base64(&packed).into())?;
    }
    JsFuture::from(storage_set(&items)).await?;
    Ok(())
}

/// The stored settings (the options page).
pub async fn read_settings() -> Result<Settings, JsValue> {
    let all = JsFuture::from(storage_get(&SETTINGS.into())).await?;
    Ok(settings_from(&Reflect::get(&all, &SETTINGS.into())?))
}

/// Saves the settings (the options page), and resolves once they are stored.
pub async fn store_settings(settings: &Settings) -> Result<(), JsValue> {
    let items = Object::new();
    Reflect::set(&items, &SETTINGS.into(), &to_js(settings)?)?;
    JsFuture::from(storage_set(&items)).await?;
    Ok(())
}

/// What another page of photolift changed in storage, as the panel needs to know it.
pub enum StorageChange {
    Settings(Settings),
    /// The upload memory was forgotten (a new generation began).
    MemoryForgotten,
    /// Photos were imported into the upload memory.
    MemoryImported(Vec<RememberedUpload>),
    /// The panel's log of the upload memory grew (a panel uploaded photos).
    MemoryWritten,
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "onChanged"], js_name = addListener)]
    fn on_storage_changed(listener: &js_sys::Function);
}

/// Calls `on_change` for every change of the settings or the upload memory made by another page
/// of photolift (the options page), in the order they happen; the memory's own log follows a
/// new generation from here.
pub fn watch(on_change: impl Fn(StorageChange) + 'static) {
    let listener =
        Closure::<dyn Fn(JsValue, JsValue)>::new(move |changes: JsValue, area: JsValue| {
            if area.as_string().as_deref() != Some("local") {
                return;
            }
            let new_value = |key: &str| {
                Reflect::get(&changes, &key.into())
                    .ok()
                    .filter(|change| !change.is_undefined())
                    .and_then(|change| Reflect::get(&change, &"newValue".into()).ok())
            };
            if let Some(value) = new_value(SETTINGS) {
                on_change(StorageChange::Settings(settings_from(&value)));
            }
            if let Some(generation) = new_value(GENERATION_KEY).and_then(|v| v.as_f64()) {
                let generation = generation as u32;
                let newer = MEMORY_LOG.with(|log| {
                    let mut log = log.borrow_mut();
                    let newer = generation > log.generation;
                    if newer {
                        *log = MemoryLog {
                            generation,
                            ..MemoryLog::default()
                        };
                    }
                    newer
                });
                if newer {
                    on_change(StorageChange::MemoryForgotten);
                }
            }
            let current = MEMORY_LOG.with(|log| log.borrow().generation);
            let mut imported = Vec::new();
            let mut written = false;
            for key in Object::keys(changes.unchecked_ref::<Object>())
                .iter()
                .filter_map(|k| k.as_string())
            {
                let Some(chunk) = MemoryChunk::parse(&key) else {
                    continue;
                };
                let MemoryChunk::Import { generation, .. } = chunk else {
                    written = true;
                    continue;
                };
                let text = new_value(&key).and_then(|v| v.as_string());
                if let Some(bytes) = text
                    .filter(|_| generation == current)
                    .and_then(|t| memory::decode_base64(&t))
                {
                    imported.extend(memory::unpack(&bytes));
                }
            }
            if !imported.is_empty() {
                on_change(StorageChange::MemoryImported(imported));
            }
            if written {
                on_change(StorageChange::MemoryWritten);
            }
        });
    on_storage_changed(listener.as_ref().unchecked_ref());
    // The panel and the options page live as long as their page.
    listener.forget();
}
