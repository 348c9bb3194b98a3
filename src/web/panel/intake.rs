//! Intake: files picked or dropped, each with the path it was found under.

use super::driver::Event;
use super::Driver;
use std::cell::RefCell;
use std::rc::Weak;
use web_sys::{DataTransfer, File, FileList};

pub struct Picked {
    pub file: File,
    /// The path inside a picked folder, or the bare name.
    pub path: String,
}

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

/// The files of a drop. Must run inside the drop event: the browser empties the DataTransfer after.
pub fn from_drop(transfer: DataTransfer, target: Weak<RefCell<Option<Driver>>>) {
    if let Some(files) = transfer.files() {
        super::deliver(&target, Event::Picked(from_file_list(&files)));
    }
}
