//! What the panel shows, from the plan: each row, the summary line and its statistics, the
//! controls, and the tab title. The decisions are `panel_model`'s (tested natively); this puts
//! them into words and onto the view.

use super::conversions::{now_ms, Conversions};
use super::event::PanelState;
use super::page_session::PageSession;
use super::view::{ControlsView, RowView, SummaryView, View};
use crate::panel_model::{row_state, RowMessage};
use crate::queue::{FileId, PlanState, Stats, UploadPlan};
use crate::web::i18n::{decimal, number, reason_text, text};
use wasm_bindgen::prelude::*;

/// Draws the rows of `ids`.
pub fn rows(
    view: &mut View,
    plan: &UploadPlan,
    conversions: &Conversions,
    page: &PageSession,
    ids: Vec<FileId>,
) -> Result<(), JsValue> {
    for id in ids {
        let Some(file) = plan.file(id) else {
            continue;
        };
        let message = match RowMessage::of(file) {
            RowMessage::Reason(reason) => reason_text(reason),
            RowMessage::WaitingForOriginal => text("waiting_for_original", &[]),
            RowMessage::Note => conversions.notes.get(&id).cloned().unwrap_or_default(),
        };
        let row = RowView {
            name: &file.name,
            state: row_state(file.state),
            message: &message,
            progress: page.progress.get(&id).copied(),
            thumbnail: conversions.thumbnails.get(&id).map(String::as_str),
        };
        view.render_row(id.0, &row)?;
    }
    view.flush()
}

/// The panel's state as the test contract names it (`saving`: journal writes not yet landed).
pub fn panel_state(plan: &UploadPlan, page: &PageSession, saving: bool) -> PanelState {
    let s = plan.summary();
    let waiting_for_page = s.state == PlanState::Running
        && (s.ready + s.uploading) > 0
        && !page.takes_batches(now_ms());
    PanelState::of(s.state, page.changed().is_some(), waiting_for_page, saving)
}

fn minutes_left(ms: u64) -> String {
    let minutes = ms.div_ceil(60_000);
    if minutes <= 1 {
        text("eta_under_a_minute", &[])
    } else {
        text("eta_minutes", &[&number(minutes)])
    }
}

/// The summary, the controls and the tab title.
pub fn summary(
    view: &View,
    plan: &UploadPlan,
    page: &mut PageSession,
    upload_duplicates: bool,
    saving: bool,
) -> Result<(), JsValue> {
    let s = plan.summary();
    if saving && s.state == PlanState::Done {
        // The summary keeps its last picture until the last records are in storage, then shows
        // the settled counts and "done" at once (as the test contract's readers expect them).
        return Ok(());
    }
    let state = panel_state(plan, page, saving);
    let line = text(
        "summary_line",
        &[
            &number(s.uploaded as u64),
            &number(s.total as u64),
            &number(s.skipped as u64),
            &number(s.failed as u64),
        ],
    );
    let stats = Stats::from_plan(plan, now_ms());
    let stats_line = match (state, stats.eta_ms) {
        (PanelState::Running, Some(eta)) if stats.uploaded_files > 0 => text(
            "stats_line",
            &[
                &number(stats.photos_per_minute.round() as u64),
                &decimal(stats.bytes_per_second / 1_000_000.0),
                &minutes_left(eta),
            ],
        ),
        _ => String::new(),
    };
    view.render_summary(&SummaryView {
        total: s.total,
        uploaded: s.uploaded,
        skipped: s.skipped,
        failed: s.failed,
        state,
        line,
        stats_line,
    })?;
    view.render_controls(&ControlsView {
        state,
        failed: s.failed,
        total: s.total,
        upload_duplicates,
    })?;
    let title = if state.in_progress() {
        format!("↑ {}/{}", s.uploaded + s.skipped + s.failed, s.total)
    } else {
        String::new()
    };
    page.set_title(title)
}
