//! Resume at once, where the browser keeps file handles: every drop's File System Access handles
//! are kept by the extension's service worker (`extension/handle-store.js`; this frame, inside
//! icloud.com, is denied IndexedDB). After a reload or a closed tab, while the browser still grants
//! read access to them, the interrupted upload takes its files back from them without asking.
//! Files chosen with the pickers have no handles (a frame may not open the browser's file-system
//! pickers), so for those the panel still asks.

use super::background;
use super::event::Picked;
use crate::protocol::ToBackground;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemHandle,
    FileSystemHandleKind,
};

/// Whether this browser gives handles for drops (Chromium does; Firefox does not).
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let prototype = Reflect::get(&window, &"DataTransferItem".into())
        .and_then(|class| Reflect::get(&class, &"prototype".into()));
    matches!(prototype, Ok(p) if Reflect::has(&p, &"getAsFileSystemHandle".into()).unwrap_or(false))
        && background::available()
}

/// Starts taking the handles of a drop. Must run inside the drop event: its items are gone after.
pub fn take_from_drop(transfer: &DataTransfer) -> Vec<Promise> {
    if !supported() {
        return Vec::new();
    }
    let items = transfer.items();
    (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .filter_map(|item| {
            let method = Reflect::get(&item, &"getAsFileSystemHandle".into()).ok()?;
            let promise = method
                .dyn_into::<js_sys::Function>()
                .ok()?
                .call0(&item)
                .ok()?;
            promise.dyn_into::<Promise>().ok()
        })
        .collect()
}

/// Keeps the handles of a drop (from `take_from_drop`) for a later resume.
pub fn keep(pending: Vec<Promise>) {
    if pending.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let handles = Array::new();
        for promise in pending {
            // An item that is not a file on disk (e.g. dragged from another page) has no handle.
            if let Ok(handle) = JsFuture::from(promise).await {
                if handle.is_instance_of::<FileSystemHandle>() {
                    handles.push(&handle);
                }
            }
        }
        if handles.length() == 0 {
            return;
        }
        if let Err(error) = background::ask(&ToBackground::KeepHandles, Some(&handles)).await {
            warn("keeping the dropped files for a resume failed", &error);
        }
    });
}

/// The handles kept for the interrupted upload (none when the browser has no store for them).
pub async fn kept() -> Vec<FileSystemHandle> {
    if !supported() {
        return Vec::new();
    }
    match background::ask(&ToBackground::KeptHandles, None).await {
        Ok((_, answer)) => Reflect::get(&answer, &"handles".into())
            .ok()
            .filter(|h| h.is_instance_of::<Array>())
            .map(|h| {
                h.unchecked_into::<Array>()
                    .iter()
                    .filter_map(|h| h.dyn_into::<FileSystemHandle>().ok())
                    .collect()
            })
            .unwrap_or_default(),
        Err(error) => {
            warn("the kept files could not be read", &error);
            Vec::new()
        }
    }
}

/// Forgets the kept handles: the upload they belong to is finished or discarded.
pub fn forget() {
    if !supported() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = background::ask(&ToBackground::ForgetHandles, None).await {
            warn("forgetting the kept files failed", &error);
        }
    });
}

/// The handles the browser still lets us read, without asking the user.
pub async fn readable(handles: Vec<FileSystemHandle>) -> Vec<FileSystemHandle> {
    let mut granted = Vec::new();
    for handle in handles {
        if permission(&handle, "queryPermission").await.as_deref() == Some("granted") {
            granted.push(handle);
        }
    }
    granted
}

async fn permission(handle: &FileSystemHandle, method: &str) -> Option<String> {
    let descriptor = Object::new();
    Reflect::set(&descriptor, &"mode".into(), &"read".into()).ok()?;
    let function = Reflect::get(handle, &method.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let promise = function
        .call1(handle, &descriptor)
        .ok()?
        .dyn_into::<Promise>()
        .ok()?;
    JsFuture::from(promise).await.ok()?.as_string()
}

/// Every file under the handles, with the paths a drop of them gives (`Folder/sub/IMG_1.HEIC`),
/// in path order. What cannot be read any more (moved, deleted) is left out: the panel asks for it.
pub async fn files_under(roots: Vec<FileSystemHandle>) -> Vec<Picked> {
    let mut stack: Vec<(String, FileSystemHandle)> =
        roots.into_iter().map(|h| (h.name(), h)).collect();
    let mut found = Vec::new();
    while let Some((path, handle)) = stack.pop() {
        match handle.kind() {
            FileSystemHandleKind::Directory => {
                let directory: FileSystemDirectoryHandle = handle.unchecked_into();
                match children(&directory).await {
                    Ok(children) => stack.extend(
                        children
                            .into_iter()
                            .map(|child| (format!("{path}/{}", child.name()), child)),
                    ),
                    Err(error) => warn("a kept folder could not be read", &error),
                }
            }
            FileSystemHandleKind::File => {
                let file_handle: FileSystemFileHandle = handle.unchecked_into();
                match JsFuture::from(file_handle.get_file()).await {
                    Ok(file) => found.push(Picked {
                        file: file.unchecked_into::<File>(),
                        path,
                    }),
                    Err(error) => warn("a kept file could not be read", &error),
                }
            }
            _ => {}
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

async fn children(directory: &FileSystemDirectoryHandle) -> Result<Vec<FileSystemHandle>, JsValue> {
    let entries = directory.values();
    let mut children = Vec::new();
    loop {
        let step = JsFuture::from(entries.next()?).await?;
        if Reflect::get(&step, &"done".into())?.is_truthy() {
            return Ok(children);
        }
        children.push(Reflect::get(&step, &"value".into())?.dyn_into()?);
    }
}

fn warn(what: &str, error: &JsValue) {
    web_sys::console::warn_2(&format!("photolift: {what}").into(), error);
}
