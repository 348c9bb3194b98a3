//! Intake: files picked or dropped, each with the path it was found under. Dropped folders are
//! walked recursively (their entries must be taken inside the drop event; reading them is async).

use super::event::{Event, Picked, Sender};
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemDirectoryReader,
    FileSystemEntry, FileSystemFileEntry,
};

pub fn from_file_list(list: &FileList) -> Vec<Picked> {
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| {
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .filter(|p| !p.is_empty());
            let path = relative.unwrap_or_else(|| file.name());
            Picked { file, path }
        })
        .collect()
}

/// The files of a drop, folders included, sent as `Event::Picked` (with `Event::Reading` while a
/// folder is read).
pub fn from_drop(transfer: DataTransfer, send: Sender) {
    super::handles::keep(super::handles::take_from_drop(&transfer));
    let items = transfer.items();
    let entries: Vec<FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if entries.iter().all(|entry| entry.is_file()) {
        if let Some(files) = transfer.files() {
            send(Event::Picked(from_file_list(&files)));
        }
        return;
    }
    let progress = send.clone();
    let report = move |found: usize| progress(Event::Reading(found));
    wasm_bindgen_futures::spawn_local(async move {
        match walk(entries, report).await {
            Ok(picked) => send(Event::Picked(picked)),
            Err(error) => web_sys::console::warn_2(
                &"photolift: a dropped folder could not be read".into(),
                &error,
            ),
        }
    });
}

/// Files found between two progress reports of a folder walk.
const REPORT_EVERY: usize = 250;

/// Every file under `entries`, depth first, in path order. `report` hears how many were found
/// so far, now and then.
async fn walk(
    entries: Vec<FileSystemEntry>,
    report: impl Fn(usize),
) -> Result<Vec<Picked>, JsValue> {
    let mut stack = entries;
    let mut found = Vec::new();
    while let Some(entry) = stack.pop() {
        if entry.is_directory() {
            let reader = entry
                .unchecked_into::<FileSystemDirectoryEntry>()
                .create_reader();
            // readEntries answers in chunks (about 100); an empty chunk means the folder is done.
            loop {
                let chunk = read_entries(&reader).await?;
                if chunk.length() == 0 {
                    break;
                }
                stack.extend(chunk.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
            }
        } else {
            let path = entry.full_path().trim_start_matches('/').to_string();
            let file = file_of(entry.unchecked_ref::<FileSystemFileEntry>()).await?;
            found.push(Picked { file, path });
            if found.len() % REPORT_EVERY == 0 {
                report(found.len());
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

async fn read_entries(reader: &FileSystemDirectoryReader) -> Result<Array, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let _ = reader.read_entries_with_callback_and_callback(&resolve, &reject);
    });
    Ok(JsFuture::from(promise).await?.unchecked_into())
}

async fn file_of(entry: &FileSystemFileEntry) -> Result<File, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    Ok(JsFuture::from(promise).await?.unchecked_into())
}
