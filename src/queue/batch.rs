//! The one batch the page is working on.
//!
//! Only one batch is in flight at a time: the page's upload input takes a set of files and shows
//! one progress area for them; handing it a second set before the first is done mixes their
//! progress and errors, and floods the page.

use serde::{Deserialize, Serialize};

use super::state::FileId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInFlight {
    /// In hand-off order.
    pub files: Vec<FileId>,
    pub handed_at_ms: u64,
    /// The last sign of life from the page for this batch (hand-off, progress, a file resolved).
    pub last_progress_ms: u64,
}

impl BatchInFlight {
    pub fn new(files: Vec<FileId>, now_ms: u64) -> Self {
        BatchInFlight {
            files,
            handed_at_ms: now_ms,
            last_progress_ms: now_ms,
        }
    }

    /// The page gets `timeout_ms` from its last sign of life: a big batch on a slow line keeps
    /// going as long as it moves, while a page that froze is noticed in `timeout_ms`.
    pub fn deadline_ms(&self, timeout_ms: u64) -> u64 {
        self.last_progress_ms.saturating_add(timeout_ms)
    }

    pub fn note_progress(&mut self, now_ms: u64) {
        self.last_progress_ms = self.last_progress_ms.max(now_ms);
    }
}

/// Picks the next batch: up to `batch_size` of `ready` (in the order given, i.e. the order the
/// files were added) whose retry backoff has passed.
pub fn pick_batch(
    ready: impl IntoIterator<Item = (FileId, u64)>,
    batch_size: usize,
    now_ms: u64,
) -> Vec<FileId> {
    ready
        .into_iter()
        .filter(|&(_, not_before_ms)| not_before_ms <= now_ms)
        .map(|(id, _)| id)
        .take(batch_size)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_in_order_up_to_the_size_and_waits_out_backoff() {
        let ready = [
            (FileId(1), 0),
            (FileId(2), 5_000),
            (FileId(3), 0),
            (FileId(4), 0),
        ];
        assert_eq!(pick_batch(ready, 2, 1_000), vec![FileId(1), FileId(3)]);
        assert_eq!(
            pick_batch(ready, 10, 5_000),
            vec![FileId(1), FileId(2), FileId(3), FileId(4)]
        );
    }

    #[test]
    fn progress_moves_the_deadline_forward_only() {
        let mut batch = BatchInFlight::new(vec![FileId(0)], 1_000);
        assert_eq!(batch.deadline_ms(120_000), 121_000);
        batch.note_progress(50_000);
        assert_eq!(batch.deadline_ms(120_000), 170_000);
        batch.note_progress(10_000);
        assert_eq!(batch.deadline_ms(120_000), 170_000);
    }
}
