//! The panel's DOM: built once, then updated from the driver's views. The `data-testid` hooks are
//! a stable contract for tests (README, "The panel's test contract"): `photolift-files`, `photolift-folder`,
//! `photolift-notice`, `photolift-file` rows with `data-name`, `data-state` and a `.message`,
//! `photolift-summary` with its counts, `photolift-controls` and `photolift-resume`.
//!
//! Rows are virtualised (`rows`): only those in view are in the DOM.

mod controls;
mod page_changed;
mod rows;

use super::dom::{
    append, button, element, set_attr, set_hidden, set_style, set_text, text_element,
};
use super::event::{Action, PanelState};
use crate::web::i18n::{number, text};
use controls::Controls;
use page_changed::PageChangedBox;
use rows::RowList;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// What a row shows; the panel derives it from the plan.
pub struct RowView<'a> {
    pub name: &'a str,
    /// One of queued, converting, uploading, uploaded, skipped, failed (the test contract).
    pub state: &'static str,
    pub message: &'a str,
    /// 0.0–1.0 while uploading.
    pub progress: Option<f64>,
    /// An object URL or data URL of a small preview; `None` shows a neutral placeholder.
    pub thumbnail: Option<&'a str>,
}

pub struct SummaryView {
    pub total: usize,
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    pub state: PanelState,
    pub line: String,
    /// "42 photos/min · 3.1 MB/s · about 2 min left"; empty hides it.
    pub stats_line: String,
}

pub struct ControlsView {
    pub state: PanelState,
    pub failed: usize,
    pub total: usize,
    pub upload_duplicates: bool,
}

/// An interrupted upload found in the journal.
pub struct ResumeOffer {
    /// Files the user must supply again.
    pub waiting: usize,
    pub uploaded: usize,
    /// When it started, already formatted ("26 Nov 2026, 14:02").
    pub started: String,
    /// The folders and files it was dropped as, when the browser kept them but may no longer
    /// read them (after a restart), so the user knows what to choose again.
    pub dropped: Vec<String>,
}

pub struct View {
    pub root: Element,
    pub files_input: HtmlInputElement,
    pub folder_input: HtmlInputElement,
    pub drop_zone: Element,
    pub hide_button: Element,
    /// Holds every control button (`data-action`) and the duplicates checkbox.
    pub controls: Element,
    /// The scrolling element of the file list.
    pub rows_viewport: Element,
    notice: Element,
    /// The drop zone's line: what to do, or how far reading a dropped folder has got.
    hint: Element,
    summary: Element,
    summary_text: Element,
    summary_bar: Element,
    summary_stats: Element,
    control_parts: Controls,
    pub page_changed: PageChangedBox,
    /// In a `RefCell` so that `set_expanded(&self)` can lay the rows out again.
    rows: RefCell<RowList>,
}

impl View {
    pub fn build(mount: &Element) -> Result<View, JsValue> {
        let root = element("div", "panel")?;
        root.set_attribute("data-expanded", "true")?;
        let bar = element("header", "bar")?;
        let title = text_element("span", "title", &text("panel_title", &[]))?;
        let hide_button = text_element("button", "hide", "–")?;
        hide_button.set_attribute("type", "button")?;
        hide_button.set_attribute("title", &text("panel_close", &[]))?;
        hide_button.set_attribute("aria-label", &text("panel_close", &[]))?;
        append(&bar, &[&title, &hide_button])?;

        let notice = element("div", "notice")?;
        notice.set_attribute("data-testid", "photolift-notice")?;
        notice.set_attribute("role", "status")?;
        notice.set_attribute("hidden", "")?;

        let page_changed = PageChangedBox::build()?;

        let drop_zone = element("label", "drop-zone")?;
        drop_zone.set_attribute("data-testid", "photolift-drop")?;
        let hint = text_element("span", "hint", &text("panel_drop_hint", &[]))?;
        let files_input: HtmlInputElement = element("input", "picker")?.unchecked_into();
        files_input.set_type("file");
        files_input.set_multiple(true);
        files_input.set_attribute("data-testid", "photolift-files")?;
        let pick_files = button("pick", Action::PickFiles, &text("panel_pick_files", &[]))?;
        let folder_input: HtmlInputElement = element("input", "picker")?.unchecked_into();
        folder_input.set_type("file");
        folder_input.set_attribute("webkitdirectory", "")?;
        folder_input.set_attribute("data-testid", "photolift-folder")?;
        let pick_folder = button("pick", Action::PickFolder, &text("panel_pick_folder", &[]))?;
        let buttons = element("span", "buttons")?;
        append(&buttons, &[&pick_files, &pick_folder])?;
        append(&drop_zone, &[&hint, &buttons, &files_input, &folder_input])?;

        let summary = element("div", "summary")?;
        summary.set_attribute("data-testid", "photolift-summary")?;
        summary.set_attribute("role", "status")?;
        let summary_text = element("div", "summary-text")?;
        let summary_track = element("div", "track")?;
        let summary_bar = element("div", "fill")?;
        summary_track.append_child(&summary_bar)?;
        let summary_stats = element("div", "stats")?;
        summary_stats.set_attribute("hidden", "")?;
        append(&summary, &[&summary_text, &summary_track, &summary_stats])?;

        let control_parts = Controls::build()?;

        let rows_viewport = element("div", "rows-viewport")?;
        let list = element("ol", "rows")?;
        list.set_attribute("aria-label", &text("panel_files_label", &[]))?;
        rows_viewport.append_child(&list)?;

        let privacy = text_element("footer", "privacy", &text("panel_privacy", &[]))?;
        append(
            &root,
            &[
                &bar,
                &notice,
                &page_changed.container,
                &drop_zone,
                &summary,
                &control_parts.container,
                &rows_viewport,
                &privacy,
            ],
        )?;
        mount.append_child(&root)?;

        let view = View {
            root,
            files_input,
            folder_input,
            drop_zone,
            hide_button,
            controls: control_parts.container.clone(),
            rows_viewport: rows_viewport.clone(),
            notice,
            hint: hint.clone(),
            summary,
            summary_text,
            summary_bar,
            summary_stats,
            control_parts,
            page_changed,
            rows: RefCell::new(RowList::new(rows_viewport, list)),
        };
        view.render_summary(&SummaryView {
            total: 0,
            uploaded: 0,
            skipped: 0,
            failed: 0,
            state: PanelState::Idle,
            line: String::new(),
            stats_line: String::new(),
        })?;
        Ok(view)
    }

    pub fn set_notice(&self, message: Option<&str>) -> Result<(), JsValue> {
        if let Some(m) = message {
            set_text(&self.notice, m);
        }
        set_hidden(&self.notice, message.is_none())
    }

    /// While a dropped folder is read (its walk may take seconds for 10,000 files): how many
    /// files were found so far; `None` when done.
    pub fn set_reading(&self, found: Option<usize>) {
        let line = match found {
            Some(count) => text("panel_reading", &[&number(count as u64)]),
            None => text("panel_drop_hint", &[]),
        };
        set_text(&self.hint, &line);
    }

    pub fn set_expanded(&self, expanded: bool) -> Result<(), JsValue> {
        set_attr(
            &self.root,
            "data-expanded",
            if expanded { "true" } else { "false" },
        )?;
        if !expanded {
            return Ok(());
        }
        // The list had no height while collapsed: lay out the rows now in view.
        match self.rows.try_borrow_mut() {
            Ok(mut rows) => rows.flush(),
            Err(_) => Ok(()),
        }
    }

    /// Records a row; the DOM follows at the next `flush`. O(1) for a row off screen.
    pub fn render_row(&mut self, id: u32, row: &RowView) -> Result<(), JsValue> {
        self.rows.get_mut().set(id, row);
        Ok(())
    }

    /// Brings the rows in view up to date. Cheap when nothing changed: call it after every
    /// render.
    pub fn flush(&mut self) -> Result<(), JsValue> {
        self.rows.get_mut().flush()
    }

    /// The list scrolled: render the rows now in view.
    pub fn on_scroll(&mut self) -> Result<(), JsValue> {
        self.rows.get_mut().flush()
    }

    pub fn render_summary(&self, s: &SummaryView) -> Result<(), JsValue> {
        let el = &self.summary;
        set_attr(el, "data-total", &s.total.to_string())?;
        set_attr(el, "data-uploaded", &s.uploaded.to_string())?;
        set_attr(el, "data-skipped", &s.skipped.to_string())?;
        set_attr(el, "data-failed", &s.failed.to_string())?;
        set_attr(el, "data-state", s.state.as_str())?;
        // The drop zone shrinks to one line once there are files, leaving room for the list.
        set_attr(
            &self.root,
            "data-has-files",
            if s.total > 0 { "true" } else { "false" },
        )?;
        set_text(&self.summary_text, &s.line);
        set_hidden(&self.summary_text, s.line.is_empty())?;
        set_text(&self.summary_stats, &s.stats_line);
        set_hidden(&self.summary_stats, s.stats_line.is_empty())?;
        let done = s.uploaded + s.skipped + s.failed;
        let width = if s.total == 0 {
            0.0
        } else {
            done as f64 * 100.0 / s.total as f64
        };
        set_style(&self.summary_bar, "width", &format!("{width:.1}%"))
    }

    pub fn render_controls(&self, c: &ControlsView) -> Result<(), JsValue> {
        self.control_parts.render(c)
    }

    /// Shows the "resume an interrupted upload" banner, or hides it with `None`.
    pub fn set_resume_offer(&self, offer: Option<&ResumeOffer>) -> Result<(), JsValue> {
        self.control_parts.set_resume_offer(offer)
    }
}
