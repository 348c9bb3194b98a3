//! iCloud's registration answer is matched to each file by its name and modification time, so
//! within one batch no two files may share both: the second `IMG_0001.jpg` goes up as
//! `IMG_0001 (2).jpg` (as a file manager names a copy).

use std::collections::HashSet;

#[derive(Default)]
pub struct BatchNames {
    taken: HashSet<(String, u64)>,
}

impl BatchNames {
    /// `name`, or the first free `stem (n).ext`, for a file modified at `last_modified`.
    pub fn unique(&mut self, name: &str, last_modified: f64) -> String {
        let time = last_modified.to_bits();
        let (stem, extension) = match name.rfind('.') {
            Some(dot) if dot > 0 => name.split_at(dot),
            _ => (name, ""),
        };
        let mut candidate = name.to_string();
        let mut n = 2;
        while !self.taken.insert((candidate.clone(), time)) {
            candidate = format!("{stem} ({n}){extension}");
            n += 1;
        }
        candidate
    }
}
