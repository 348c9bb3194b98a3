//! The panel's test contract as types: the `data-state` of the summary and of each row, and what a
//! row's message is.

use crate::queue::{FileState, PlanState, PlannedFile, Reason};

/// The summary's `data-state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelState {
    Idle,
    Running,
    Paused,
    Done,
    /// The page no longer uploads in a way this version knows: nothing more is handed over.
    PageChanged,
}

impl PanelState {
    /// The panel's state from the plan's: `page_changed` wins; a running plan whose files wait for
    /// a page that takes no batches (signed out, loading) shows as paused; a finished plan whose
    /// last records are still on their way to storage (`saving`) shows as running, so "done"
    /// means a tab closed now loses nothing (a write still on its way when a tab closes can be
    /// lost, and the photos it remembers would be sent again).
    pub fn of(
        plan: PlanState,
        page_changed: bool,
        waiting_for_page: bool,
        saving: bool,
    ) -> PanelState {
        match plan {
            _ if page_changed => PanelState::PageChanged,
            PlanState::Done if saving => PanelState::Running,
            PlanState::Idle => PanelState::Idle,
            PlanState::Running if waiting_for_page => PanelState::Paused,
            PlanState::Running => PanelState::Running,
            PlanState::Paused => PanelState::Paused,
            PlanState::Done => PanelState::Done,
        }
    }

    /// The `data-state` value.
    pub fn as_str(self) -> &'static str {
        match self {
            PanelState::Idle => "idle",
            PanelState::Running => "running",
            PanelState::Paused => "paused",
            PanelState::Done => "done",
            PanelState::PageChanged => "page-changed",
        }
    }

    /// Whether the upload is under way (the tab title shows its progress).
    pub fn in_progress(self) -> bool {
        matches!(self, PanelState::Running | PanelState::Paused)
    }
}

/// A row's `data-state`. The contract has no "ready": a converted file waiting for its batch
/// shows as queued.
pub fn row_state(state: FileState) -> &'static str {
    match state {
        FileState::Ready => "queued",
        other => other.as_str(),
    }
}

/// What a row's `.message` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMessage<'a> {
    /// Why it was skipped or failed (or the note on an upload), else the page's last complaint
    /// while it waits to retry.
    Reason(&'a Reason),
    /// A file of an interrupted upload that needs its original again.
    WaitingForOriginal,
    /// The panel's own note ("Converted from HEIC"), or nothing.
    Note,
}

impl<'a> RowMessage<'a> {
    pub fn of(file: &'a PlannedFile) -> RowMessage<'a> {
        if let Some(reason) = file.reason.as_ref().or(file.last_upload_error.as_ref()) {
            RowMessage::Reason(reason)
        } else if file.needs_original && !file.state.is_final() {
            // A finished file of an interrupted upload needs nothing more from the user.
            RowMessage::WaitingForOriginal
        } else {
            RowMessage::Note
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_state_follows_the_plan_and_the_page() {
        use PanelState::*;
        let cases = [
            (PlanState::Idle, false, false, false, Idle),
            (PlanState::Running, false, false, false, Running),
            (PlanState::Running, false, true, false, Paused),
            (PlanState::Paused, false, false, false, Paused),
            (PlanState::Done, false, false, false, Done),
            (PlanState::Done, false, false, true, Running),
            (PlanState::Running, true, false, false, PageChanged),
            (PlanState::Done, true, false, false, PageChanged),
        ];
        for (plan, changed, waiting, saving, expected) in cases {
            let state = PanelState::of(plan, changed, waiting, saving);
            assert_eq!(state, expected, "{plan:?} saving {saving}");
        }
        let names: Vec<&str> = [Idle, Running, Paused, Done, PageChanged]
            .map(PanelState::as_str)
            .to_vec();
        assert_eq!(names, ["idle", "running", "paused", "done", "page-changed"]);
    }

    #[test]
    fn rows_use_only_the_contracts_states() {
        let allowed = [
            "queued",
            "converting",
            "uploading",
            "uploaded",
            "skipped",
            "failed",
        ];
        for state in FileState::ALL {
            assert!(allowed.contains(&row_state(state)), "{state}");
        }
        assert_eq!(row_state(FileState::Ready), "queued");
    }
}
