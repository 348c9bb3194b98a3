//! photolift's memory in the extension's own storage (`chrome.storage.local`, on this computer
//! only): the user's settings, the photos it already uploaded (by content key), and the journal of
//! the upload in progress, so a reload, crash or closed tab can resume without sending anything twice.
//!
//! Layout: `photolift.settings` (object), `photolift.up.<key>` = upload date (one entry per photo,
//! so recording one upload never rewrites the others), `photolift.journal.meta` = {started, chunks}
//! and `photolift.journal.<n>` = a chunk of journal entries (appended, never rewritten).
//!
//! An upload the page confirmed goes into the memory and the journal in one `set` (see
//! [`append_journal`]): a reload between two writes would leave the memory saying "uploaded" while
//! the journal says "handed to the page, never confirmed", and the resumed file would be skipped as
//! uploaded before instead of counting as uploaded.

use crate::panel_model::Settings;
use crate::queue::JournalEntry;
use js_sys::{Array, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
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
}

const SETTINGS: &str = "photolift.settings";
const UPLOADED_PREFIX: &str = "photolift.up.";
const JOURNAL_META: &str = "photolift.journal.meta";
const JOURNAL_PREFIX: &str = "photolift.journal.";

/// Journal progress already in storage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalMeta {
    pub started_ms: f64,
    pub chunks: u32,
}

/// Everything read at start.
#[derive(Default)]
pub struct Loaded {
    pub settings: Settings,
    pub uploaded: Vec<(String, String)>,
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

/// Reads settings, the upload memory and the journal in one pass.
pub async fn load() -> Result<Loaded, JsValue> {
    let all = JsFuture::from(storage_get(&JsValue::NULL)).await?;
    let settings = Reflect::get(&all, &SETTINGS.into())
        .ok()
        .filter(|v| !v.is_undefined())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
        .unwrap_or_default();
    let mut uploaded = Vec::new();
    let keys = Object::keys(all.unchecked_ref::<Object>());
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if let Some(content_key) = key.strip_prefix(UPLOADED_PREFIX) {
            let date = Reflect::get(&all, &key.as_str().into())?
                .as_string()
                .unwrap_or_default();
            uploaded.push((content_key.to_string(), date));
        }
    }
    let journal_meta: Option<JournalMeta> = Reflect::get(&all, &JOURNAL_META.into())
        .ok()
        .filter(|v| !v.is_undefined())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
    let mut journal = Vec::new();
    if let Some(meta) = &journal_meta {
        for n in 0..meta.chunks {
            let chunk = Reflect::get(&all, &format!("{JOURNAL_PREFIX}{n}").into())?;
            if chunk.is_undefined() {
                continue;
            }
            // An entry this version cannot read is skipped, not fatal: the rest still resumes.
            for value in chunk.unchecked_into::<Array>().iter() {
                if let Ok(entry) = serde_wasm_bindgen::from_value::<JournalEntry>(value) {
                    journal.push(entry);
                }
            }
        }
    }
    Ok(Loaded {
        settings,
        uploaded,
        journal_meta,
        journal,
    })
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
    let all = JsFuture::from(storage_get(&JsValue::NULL)).await?;
    let keys: Array = Object::keys(all.unchecked_ref::<Object>())
        .iter()
        .filter(|k| {
            k.as_string()
                .is_some_and(|k| k.starts_with(UPLOADED_PREFIX))
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
    let mut write = || -> Result<Promise, JsValue> {
        let items = Object::new();
        for (key, date) in entries.iter().filter_map(JournalEntry::remembered_upload) {
            Reflect::set(
                &items,
                &format!("{UPLOADED_PREFIX}{key}").into(),
                &date.into(),
            )?;
        }
        let chunk: Array = entries.iter().map(to_js).collect::<Result<_, _>>()?;
        Reflect::set(
            &items,
            &format!("{JOURNAL_PREFIX}{}", meta.chunks).into(),
            &chunk,
        )?;
        meta.chunks += 1;
        Reflect::set(&items, &JOURNAL_META.into(), &to_js(meta)?)?;
        Ok(storage_set(&items))
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
    match write() {
        Ok(promise) => wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = JsFuture::from(promise).await {
                on_failure(entries, reason(&error));
            }
        }),
        Err(error) => on_failure(entries, reason(&error)),
    }
}

/// Drops the journal: the upload it describes is finished or discarded.
pub fn clear_journal(meta: &JournalMeta) {
    let keys: Array = (0..meta.chunks)
        .map(|n| JsValue::from(format!("{JOURNAL_PREFIX}{n}")))
        .chain(std::iter::once(JsValue::from(JOURNAL_META)))
        .collect();
    fire(storage_remove(&keys), "clearing the journal");
}
