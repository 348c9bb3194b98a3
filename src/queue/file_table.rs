//! The plan's files and the indexes over them. This is the one door through which a file's state
//! or fields change: every change goes through [`FileTable::insert`], [`FileTable::move_to`] or
//! [`FileTable::update`], which keep the per-state counts, the "convertible" and "ready" indexes
//! and the set of changed rows right, so no caller has to remember to.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::error::QueueError;
use super::state::{FileId, FileState, PlannedFile};

/// How many files are in each state, kept up to date on every move so the summary and the
/// convert-ahead window cost nothing to read.
#[derive(Debug, Clone, Default)]
struct StateCounts([usize; 7]);

impl StateCounts {
    fn slot(state: FileState) -> usize {
        match state {
            FileState::Queued => 0,
            FileState::Converting => 1,
            FileState::Ready => 2,
            FileState::Uploading => 3,
            FileState::Uploaded => 4,
            FileState::Skipped => 5,
            FileState::Failed => 6,
        }
    }

    fn get(&self, state: FileState) -> usize {
        self.0[Self::slot(state)]
    }

    fn add(&mut self, state: FileState) {
        self.0[Self::slot(state)] += 1;
    }

    fn moved(&mut self, from: FileState, to: FileState) {
        self.0[Self::slot(from)] -= 1;
        self.0[Self::slot(to)] += 1;
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct FileTable {
    files: BTreeMap<FileId, PlannedFile>,
    counts: StateCounts,
    /// Queued files whose original is at hand, in the order they were added.
    convertible: BTreeSet<FileId>,
    /// Ready files, in the order they were added.
    ready: BTreeSet<FileId>,
    /// Files whose row changed since the last `take_changes`.
    changes: BTreeSet<FileId>,
    /// What each file in the convert-ahead window holds in memory (bytes), and their sum; a file
    /// that leaves the window (uploaded, skipped, failed, back to queued) lets go of its bytes.
    held: HashMap<FileId, u64>,
    held_total: u64,
}

impl FileTable {
    pub fn insert(&mut self, file: PlannedFile) {
        let id = file.id;
        self.counts.add(file.state);
        self.files.insert(id, file);
        self.reindex(id);
    }

    pub fn get(&self, id: FileId) -> Option<&PlannedFile> {
        self.files.get(&id)
    }

    /// The file, or [`QueueError::UnknownFile`].
    pub fn find(&self, id: FileId) -> Result<&PlannedFile, QueueError> {
        self.files.get(&id).ok_or(QueueError::UnknownFile(id))
    }

    pub fn state_of(&self, id: FileId) -> Option<FileState> {
        self.files.get(&id).map(|file| file.state)
    }

    /// All files in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &PlannedFile> {
        self.files.values()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn count(&self, state: FileState) -> usize {
        self.counts.get(state)
    }

    pub fn convertible(&self) -> &BTreeSet<FileId> {
        &self.convertible
    }

    pub fn ready(&self) -> &BTreeSet<FileId> {
        &self.ready
    }

    /// Moves `id` to `to` when the move is allowed ([`FileState::can_become`]), then lets `edit`
    /// change the file's other fields.
    pub fn move_to<R>(
        &mut self,
        id: FileId,
        to: FileState,
        edit: impl FnOnce(&mut PlannedFile) -> R,
    ) -> Result<R, QueueError> {
        let file = self.files.get_mut(&id).ok_or(QueueError::UnknownFile(id))?;
        let from = file.state;
        if !from.can_become(to) {
            return Err(QueueError::IllegalTransition { id, from, to });
        }
        file.state = to;
        self.counts.moved(from, to);
        let result = edit(file);
        file.state = to;
        self.reindex(id);
        let in_window = matches!(
            to,
            FileState::Converting | FileState::Ready | FileState::Uploading
        );
        if !in_window {
            if let Some(bytes) = self.held.remove(&id) {
                self.held_total -= bytes;
            }
        }
        Ok(result)
    }

    /// Changes a file's fields without moving it (`edit` cannot change its state).
    pub fn update<R>(
        &mut self,
        id: FileId,
        edit: impl FnOnce(&mut PlannedFile) -> R,
    ) -> Result<R, QueueError> {
        let file = self.files.get_mut(&id).ok_or(QueueError::UnknownFile(id))?;
        let state = file.state;
        let result = edit(file);
        debug_assert_eq!(file.state, state, "a state changes only by move_to");
        file.state = state;
        self.reindex(id);
        Ok(result)
    }

    /// Notes what `id` holds in memory while it is in the convert-ahead window.
    pub fn hold(&mut self, id: FileId, bytes: u64) {
        let old = self.held.insert(id, bytes).unwrap_or(0);
        self.held_total = self.held_total - old + bytes;
    }

    /// Bytes held by the files in the convert-ahead window.
    pub fn held_total(&self) -> u64 {
        self.held_total
    }

    /// Files whose row changed since the last call.
    pub fn take_changes(&mut self) -> Vec<FileId> {
        std::mem::take(&mut self.changes).into_iter().collect()
    }

    fn reindex(&mut self, id: FileId) {
        let Some(file) = self.files.get(&id) else {
            return;
        };
        self.convertible.remove(&id);
        self.ready.remove(&id);
        match file.state {
            FileState::Queued if !file.needs_original => {
                self.convertible.insert(id);
            }
            FileState::Ready => {
                self.ready.insert(id);
            }
            _ => {}
        }
        self.changes.insert(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with(n: u32) -> FileTable {
        let mut table = FileTable::default();
        for id in 0..n {
            table.insert(PlannedFile::new(FileId(id), format!("{id}.heic"), 1, 0));
        }
        table
    }

    #[test]
    fn moves_keep_counts_and_indexes() {
        let mut table = table_with(3);
        assert_eq!(table.count(FileState::Queued), 3);
        assert_eq!(table.convertible().len(), 3);
        table
            .move_to(FileId(1), FileState::Converting, |_| ())
            .unwrap();
        table.move_to(FileId(1), FileState::Ready, |_| ()).unwrap();
        assert_eq!(table.count(FileState::Queued), 2);
        assert_eq!(table.count(FileState::Ready), 1);
        assert!(table.ready().contains(&FileId(1)));
        assert!(!table.convertible().contains(&FileId(1)));
        assert_eq!(
            table.move_to(FileId(1), FileState::Queued, |_| ()),
            Err(QueueError::IllegalTransition {
                id: FileId(1),
                from: FileState::Ready,
                to: FileState::Queued
            })
        );
    }

    #[test]
    fn an_update_reindexes_whatever_it_changes() {
        let mut table = table_with(2);
        table.take_changes();
        table
            .update(FileId(0), |file| file.needs_original = true)
            .unwrap();
        assert!(
            !table.convertible().contains(&FileId(0)),
            "waits for its original"
        );
        assert_eq!(table.take_changes(), vec![FileId(0)]);
        table
            .update(FileId(0), |file| file.needs_original = false)
            .unwrap();
        assert!(table.convertible().contains(&FileId(0)));
        assert_eq!(
            table.update(FileId(9), |_| ()),
            Err(QueueError::UnknownFile(FileId(9)))
        );
    }
}
