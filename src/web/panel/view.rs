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
use rows::{Detail, RowList};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// A running upload's progress is announced at most this often (a screen reader would otherwise
/// speak every photo).
const ANNOUNCE_EVERY_MS: f64 = 15_000.0;

/// What the live region said last.
#[derive(Default)]
struct Announced {
    state: Option<PanelState>,
    at_ms: f64,
}

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
    /// The move handle in the bar: drag it (or the bar), arrow keys, or a click for the next corner.
    pub move_button: Element,
    /// The resize grip in the bottom corner: drag it, or arrow keys.
    pub grip: Element,
    /// The title bar, which moves the panel when dragged.
    pub bar: Element,
    /// Holds every control button (`data-action`) and the duplicates checkbox.
    pub controls: Element,
    /// The scrolling element of the file list.
    pub rows_viewport: Element,
    notice: Element,
    /// The drop zone's line: what to do, or how far reading a dropped folder has got.
    hint: Element,
    summary: Element,
    summary_text: Element,
    /// `role=progressbar`, its values the files finished of all.
    summary_track: Element,
    summary_bar: Element,
    summary_stats: Element,
    /// The collapsed panel's progress ("12/40" and a small bar).
    pill: Element,
    pill_text: Element,
    pill_bar: Element,
    /// The polite live region: the summary line when the state changes, or every
    /// `ANNOUNCE_EVERY_MS` while it runs.
    live: Element,
    announced: RefCell<Announced>,
    control_parts: Controls,
    pub page_changed: PageChangedBox,
    /// In a `RefCell` so that `set_expanded(&self)` can lay the rows out again.
    rows: RefCell<RowList>,
}

impl View {
    pub fn build(mount: &Element) -> Result<View, JsValue> {
        let root = element("div", "panel")?;
        root.set_attribute("data-expanded", "true")?;
        root.set_attribute("data-has-files", "false")?;
        let bar = element("header", "bar")?;
        // The panel's one heading (WCAG 1.3.1, 2.4.6).
        let title = text_element("h1", "title", &text("panel_title", &[]))?;
        let pill = element("span", "pill")?;
        pill.set_attribute("data-testid", "photolift-pill")?;
        let pill_text = element("span", "pill-text")?;
        let pill_track = element("span", "track")?;
        pill_track.set_attribute("aria-hidden", "true")?;
        let pill_bar = element("span", "fill")?;
        pill_track.append_child(&pill_bar)?;
        append(&pill, &[&pill_text, &pill_track])?;
        let move_button = text_element("button", "move", "⠿")?;
        move_button.set_attribute("type", "button")?;
        move_button.set_attribute("data-testid", "photolift-move")?;
        move_button.set_attribute("aria-label", &text("a11y_move_panel", &[]))?;
        move_button.set_attribute("title", &text("a11y_move_panel", &[]))?;
        let hide_button = text_element("button", "hide", "–")?;
        hide_button.set_attribute("type", "button")?;
        hide_button.set_attribute("data-testid", "photolift-toggle")?;
        hide_button.set_attribute("aria-expanded", "true")?;
        hide_button.set_attribute("title", &text("panel_close", &[]))?;
        hide_button.set_attribute("aria-label", &text("panel_close", &[]))?;
        append(&bar, &[&title, &pill, &move_button, &hide_button])?;

        // The one live region: the summary line, politely, and not on every tick.
        let live = element("div", "live visually-hidden")?;
        live.set_attribute("data-testid", "photolift-live")?;
        live.set_attribute("role", "status")?;
        live.set_attribute("aria-live", "polite")?;
        live.set_attribute("aria-atomic", "true")?;

        let notice = element("div", "notice")?;
        notice.set_attribute("data-testid", "photolift-notice")?;
        notice.set_attribute("role", "status")?;
        notice.set_attribute("hidden", "")?;

        let page_changed = PageChangedBox::build()?;

        let drop_zone = element("label", "drop-zone")?;
        drop_zone.set_attribute("data-testid", "photolift-drop")?;
        let icon = text_element("span", "icon", "⇪")?;
        icon.set_attribute("aria-hidden", "true")?;
        let welcome = text_element("span", "welcome", &text("a11y_welcome", &[]))?;
        let formats = text_element("span", "formats", &text("a11y_welcome_formats", &[]))?;
        let hint = text_element("span", "hint", &text("panel_drop_hint", &[]))?;
        let files_input: HtmlInputElement = element("input", "picker")?.unchecked_into();
        files_input.set_type("file");
        files_input.set_multiple(true);
        files_input.set_attribute("data-testid", "photolift-files")?;
        files_input.set_attribute("tabindex", "-1")?;
        files_input.set_attribute("aria-hidden", "true")?;
        let pick_files = button("pick", Action::PickFiles, &text("panel_pick_files", &[]))?;
        let folder_input: HtmlInputElement = element("input", "picker")?.unchecked_into();
        folder_input.set_type("file");
        folder_input.set_attribute("webkitdirectory", "")?;
        folder_input.set_attribute("data-testid", "photolift-folder")?;
        folder_input.set_attribute("tabindex", "-1")?;
        folder_input.set_attribute("aria-hidden", "true")?;
        let pick_folder = button("pick", Action::PickFolder, &text("panel_pick_folder", &[]))?;
        let buttons = element("span", "buttons")?;
        append(&buttons, &[&pick_files, &pick_folder])?;
        append(
            &drop_zone,
            &[
                &icon,
                &welcome,
                &formats,
                &hint,
                &buttons,
                &files_input,
                &folder_input,
            ],
        )?;

        let summary = element("div", "summary")?;
        summary.set_attribute("data-testid", "photolift-summary")?;
        let summary_text = element("div", "summary-text")?;
        summary_text.set_attribute("id", "photolift-summary-text")?;
        let summary_track = element("div", "track")?;
        summary_track.set_attribute("role", "progressbar")?;
        summary_track.set_attribute("data-testid", "photolift-progress")?;
        summary_track.set_attribute("aria-label", &text("a11y_progress_label", &[]))?;
        summary_track.set_attribute("aria-valuemin", "0")?;
        summary_track.set_attribute("aria-valuemax", "0")?;
        summary_track.set_attribute("aria-valuenow", "0")?;
        let summary_bar = element("div", "fill")?;
        summary_track.append_child(&summary_bar)?;
        let summary_stats = element("div", "stats")?;
        summary_stats.set_attribute("hidden", "")?;
        append(&summary, &[&summary_text, &summary_track, &summary_stats])?;

        let control_parts = Controls::build()?;

        let rows_viewport = element("div", "rows-viewport")?;
        // Focusable, so that the list scrolls by keyboard; the arrow keys go from row to row.
        rows_viewport.set_attribute("tabindex", "0")?;
        rows_viewport.set_attribute("role", "region")?;
        rows_viewport.set_attribute("data-testid", "photolift-list")?;
        rows_viewport.set_attribute("aria-label", &text("panel_files_label", &[]))?;
        rows_viewport.set_attribute("aria-describedby", "photolift-list-help")?;
        let list_help = text_element("span", "visually-hidden", &text("a11y_list_help", &[]))?;
        list_help.set_attribute("id", "photolift-list-help")?;
        let list = element("ol", "rows")?;
        list.set_attribute("aria-label", &text("panel_files_label", &[]))?;
        append(&rows_viewport, &[&list_help, &list])?;

        let detail = element("div", "detail")?;
        detail.set_attribute("data-testid", "photolift-detail")?;
        detail.set_attribute("hidden", "")?;
        let detail_name = element("div", "detail-name")?;
        let detail_message = element("div", "detail-message")?;
        append(&detail, &[&detail_name, &detail_message])?;

        let privacy = text_element("footer", "privacy", &text("panel_privacy", &[]))?;
        let grip = element("button", "grip")?;
        grip.set_attribute("type", "button")?;
        grip.set_attribute("data-testid", "photolift-resize")?;
        grip.set_attribute("aria-label", &text("a11y_resize_panel", &[]))?;
        grip.set_attribute("title", &text("a11y_resize_panel", &[]))?;
        append(
            &root,
            &[
                &bar,
                &live,
                &notice,
                &page_changed.container,
                &drop_zone,
                &summary,
                &control_parts.container,
                &rows_viewport,
                &detail,
                &privacy,
                &grip,
            ],
        )?;
        mount.append_child(&root)?;

        let view = View {
            root,
            files_input,
            folder_input,
            drop_zone,
            hide_button,
            move_button,
            grip,
            bar,
            controls: control_parts.container.clone(),
            rows_viewport: rows_viewport.clone(),
            notice,
            hint: hint.clone(),
            summary,
            summary_text,
            summary_track,
            summary_bar,
            summary_stats,
            pill_text,
            pill_bar,
            pill,
            live,
            announced: RefCell::new(Announced::default()),
            control_parts,
            page_changed,
            rows: RefCell::new(RowList::new(
                rows_viewport,
                list,
                Detail {
                    container: detail,
                    name: detail_name,
                    message: detail_message,
                },
            )),
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
        set_attr(
            &self.hide_button,
            "aria-expanded",
            if expanded { "true" } else { "false" },
        )?;
        let label = text(
            if expanded {
                "panel_close"
            } else {
                "a11y_show_panel"
            },
            &[],
        );
        set_attr(&self.hide_button, "aria-label", &label)?;
        set_attr(&self.hide_button, "title", &label)?;
        set_text(&self.hide_button, if expanded { "–" } else { "+" });
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
        let track = &self.summary_track;
        set_attr(track, "aria-valuemax", &s.total.to_string())?;
        set_attr(track, "aria-valuenow", &done.to_string())?;
        set_attr(
            track,
            "aria-valuetext",
            &text(
                "a11y_progress_value",
                &[&done.to_string(), &s.total.to_string()],
            ),
        )?;
        set_style(&self.summary_bar, "width", &format!("{width:.1}%"))?;
        set_attr(&self.pill, "data-state", s.state.as_str())?;
        set_text(&self.pill_text, &format!("{done}/{}", s.total));
        set_style(&self.pill_bar, "width", &format!("{width:.1}%"))?;
        self.announce(s)
    }

    /// Says the summary line in the live region when the panel's state changes, and while it
    /// runs at most every `ANNOUNCE_EVERY_MS`.
    fn announce(&self, s: &SummaryView) -> Result<(), JsValue> {
        let Ok(mut last) = self.announced.try_borrow_mut() else {
            return Ok(());
        };
        let now = js_sys::Date::now();
        let changed = last.state != Some(s.state);
        if !changed && now - last.at_ms < ANNOUNCE_EVERY_MS {
            return Ok(());
        }
        last.state = Some(s.state);
        last.at_ms = now;
        let line = if s.total == 0 { "" } else { s.line.as_str() };
        set_text(&self.live, line);
        Ok(())
    }

    /// Arrow keys, Home, End, Page Up/Down in the file list: the next row gets focus (and is
    /// shown in the detail). Returns whether the key was one of these.
    pub fn list_key(&mut self, key: &str) -> Result<bool, JsValue> {
        self.rows.get_mut().key(key)
    }

    /// A row got focus (by click or keyboard): it is the selected one, shown in the detail.
    /// `position` is its `aria-posinset` (from 1).
    pub fn row_focused(&mut self, position: usize) -> Result<(), JsValue> {
        match position.checked_sub(1) {
            Some(index) => self.rows.get_mut().select(index),
            None => Ok(()),
        }
    }

    /// Shows the confirmation of Cancel (`true`) or hides it.
    pub fn set_confirm_cancel(&self, asking: bool, left: usize) -> Result<(), JsValue> {
        self.control_parts.set_confirm_cancel(asking, left)
    }

    /// After a control was used and has gone (Pause becomes Resume), focus goes to the control
    /// that took its place, never to the page's body (WCAG 2.4.3).
    pub fn keep_focus(&self, action: Action) -> Result<(), JsValue> {
        self.control_parts.keep_focus(action, &self.drop_zone)
    }

    pub fn render_controls(&self, c: &ControlsView) -> Result<(), JsValue> {
        self.control_parts.render(c)?;
        self.control_parts.rescue_focus(&self.drop_zone)
    }

    /// Shows the "resume an interrupted upload" banner, or hides it with `None`.
    pub fn set_resume_offer(&self, offer: Option<&ResumeOffer>) -> Result<(), JsValue> {
        self.control_parts.set_resume_offer(offer)
    }
}
