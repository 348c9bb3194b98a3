//! Measurements run in the browser by the benchmarks (`tests/bench/storage.mjs`): the storage
//! layout at a lifetime's scale through the real store code, and SHA-256 in WASM against the
//! browser's own. Nothing in the panel calls these.

use super::store::{self, JournalMeta};
use crate::queue::memory::RememberedUpload;
use crate::queue::{JournalEntry, PlanConfig, UploadPlan};
use js_sys::{Object, Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn key(n: u64) -> String {
    Sha256::digest(n.to_le_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn set(report: &Object, name: &str, value: f64) -> Result<(), JsValue> {
    Reflect::set(report, &name.into(), &value.into()).map(drop)
}

/// Writes an upload memory of `photos` photos (1,000 per write) and the journal of an upload of
/// `files` files (added 1,000 at a time, then per batch of 20: keyed, handed to the page,
/// uploaded; each step one write, compacted as the store does) into extension storage, which
/// must be empty; then reads everything back as the panel does at start and rebuilds the plan.
/// Returns timings (ms), the bytes in use and what was read back.
#[wasm_bindgen]
pub async fn measure_storage(photos: u32, files: u32) -> Result<JsValue, JsValue> {
    let report = Object::new();
    let now = || js_sys::Date::now();

    let started = now();
    let mut records = Vec::with_capacity(1000);
    for n in 0..u64::from(photos) {
        let date = crate::queue::utc_date_from_ms(1_500_000_000_000 + n * 60_000);
        records
            .push(RememberedUpload::new(&key(n), &date).map_err(|e| JsValue::from(e.to_string()))?);
        if records.len() == 1000 || n + 1 == u64::from(photos) {
            store::remember(&records).await?;
            records.clear();
        }
    }
    set(&report, "memoryWriteMs", now() - started)?;
    set(&report, "memoryBytes", store::bytes_in_use().await?)?;

    let started = now();
    let failures = Rc::new(RefCell::new(Vec::<String>::new()));
    let mut meta = JournalMeta::new(now());
    let append = |meta: &mut JournalMeta, entries: Vec<JournalEntry>| {
        let failures = failures.clone();
        store::append_journal(
            meta,
            &entries,
            move |_, reason| failures.borrow_mut().push(reason),
            || {},
        );
    };
    let first = u64::from(photos) + 1_000_000_000;
    for start in (0..files).step_by(1000) {
        let entries = (start..(start + 1000).min(files))
            .map(|id| JournalEntry::Added {
                id: crate::queue::FileId(id),
                name: format!("Photos/2019/Summer trip/IMG_{id:06}.HEIC"),
                size: 2_500_000 + u64::from(id),
                last_modified_ms: 1_560_000_000_000 + u64::from(id) * 1000,
            })
            .collect();
        append(&mut meta, entries);
    }
    for start in (0..files).step_by(20) {
        let ids = start..(start + 20).min(files);
        let at_ms = 1_700_000_000_000 + u64::from(start) * 100;
        for step in 0..3 {
            let entries = ids
                .clone()
                .map(|id| {
                    let (id, key) = (crate::queue::FileId(id), key(first + u64::from(id)));
                    match step {
                        0 => JournalEntry::Keyed { id, key },
                        1 => JournalEntry::HandedToPage { id, attempt: 1 },
                        _ => JournalEntry::Uploaded { id, key, at_ms },
                    }
                })
                .collect();
            append(&mut meta, entries);
        }
        if start % 2000 == 0 {
            // Let the writes go out as they would between batches.
            store::settled().await?;
        }
    }
    store::settled().await?;
    set(&report, "journalWriteMs", now() - started)?;
    set(&report, "journalGeneration", f64::from(meta.generation))?;
    set(&report, "journalChunks", f64::from(meta.chunks))?;
    set(&report, "writeFailures", failures.borrow().len() as f64)?;
    // Compaction removes the generation it replaced after its write: let that land too.
    store::settled().await?;
    set(&report, "bytesInUse", store::bytes_in_use().await?)?;

    let started = now();
    let loaded = store::load().await?;
    set(&report, "loadMs", now() - started)?;
    set(&report, "rememberedLoaded", loaded.uploaded.len() as f64)?;
    set(&report, "journalEntriesLoaded", loaded.journal.len() as f64)?;
    let started = now();
    let mut plan = UploadPlan::replay(PlanConfig::default(), &loaded.journal)
        .map_err(|e| JsValue::from(e.to_string()))?;
    plan.remember_uploads(loaded.uploaded);
    set(&report, "replayMs", now() - started)?;
    let summary = plan.summary();
    set(&report, "filesLoaded", summary.total as f64)?;
    set(&report, "uploadedLoaded", summary.uploaded as f64)?;
    // The memory knows the first and the last photo.
    let known = [0, u64::from(photos.max(1)) - 1]
        .iter()
        .all(|&n| plan_knows(&mut plan, &key(n)));
    Reflect::set(&report, &"memoryKnowsPhotos".into(), &known.into())?;
    Ok(report.into())
}

fn plan_knows(plan: &mut UploadPlan, key: &str) -> bool {
    let id = plan.add_file("probe.jpg", 1, 0);
    while plan.next_to_convert(0).is_some_and(|next| next != id) {}
    matches!(
        plan.converted_holding(id, key, 0, 0),
        Ok(crate::queue::FileState::Skipped)
    )
}

/// SHA-256 throughput over `megabytes` MB, in MB/s: the WASM implementation (sha2) and the
/// browser's `crypto.subtle.digest`, best of three each. Both hash the same bytes to the same key.
#[wasm_bindgen]
pub async fn measure_sha256(megabytes: u32) -> Result<JsValue, JsValue> {
    let size = megabytes as usize * 1024 * 1024;
    let bytes: Vec<u8> = (0..size).map(|i| (i * 2_654_435_761) as u8).collect();
    let now = || js_sys::Date::now();
    let mut wasm_ms = f64::MAX;
    let mut wasm_key = Vec::new();
    for _ in 0..3 {
        let started = now();
        wasm_key = Sha256::digest(&bytes).to_vec();
        wasm_ms = wasm_ms.min(now() - started);
    }
    let buffer = Uint8Array::from(bytes.as_slice()).buffer();
    drop(bytes);
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())?;
    let subtle = Reflect::get(&crypto, &"subtle".into())?;
    let digest: js_sys::Function = Reflect::get(&subtle, &"digest".into())?.dyn_into()?;
    let mut native_ms = f64::MAX;
    let mut native_key = Vec::new();
    for _ in 0..3 {
        let started = now();
        let promise: js_sys::Promise = digest
            .call2(&subtle, &"SHA-256".into(), &buffer)?
            .dyn_into()?;
        native_key = Uint8Array::new(&JsFuture::from(promise).await?).to_vec();
        native_ms = native_ms.min(now() - started);
    }
    let report = Object::new();
    let mb = f64::from(megabytes);
    set(&report, "wasmMBps", mb / (wasm_ms / 1000.0))?;
    set(&report, "nativeMBps", mb / (native_ms / 1000.0))?;
    Reflect::set(&report, &"sameKey".into(), &(wasm_key == native_key).into())?;
    Ok(report.into())
}
