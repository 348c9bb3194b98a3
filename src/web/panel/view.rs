//! The panel's DOM: built once, then updated row by row. The `data-testid` hooks are a stable
//! contract for tests (DESIGN.md §3): `photolift-files`, `photolift-file` rows with `data-name` and
//! `data-state`, and `photolift-summary` with its counts.

use super::dom::{append, element, set_text, text_element};
use crate::web::i18n::text;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

/// What a row shows; the panel derives it from the plan.
pub struct RowView<'a> {
    pub name: &'a str,
    /// One of queued, converting, uploading, uploaded, skipped, failed (the test contract).
    pub state: &'static str,
    pub message: &'a str,
    /// 0.0–1.0 while uploading.
    pub progress: Option<f64>,
}

pub struct SummaryView {
    pub total: usize,
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    /// idle, running, paused or done.
    pub state: &'static str,
    pub line: String,
}

pub struct View {
    pub root: Element,
    pub files_input: HtmlInputElement,
    pub folder_input: HtmlInputElement,
    pub drop_zone: Element,
    pub hide_button: Element,
    notice: Element,
    summary: Element,
    summary_text: Element,
    summary_bar: Element,
    rows: Element,
    row_elements: HashMap<u32, Element>,
}

impl View {
    pub fn build(mount: &Element) -> Result<View, JsValue> {
        let root = element("div", "panel")?;
        let bar = element("header", "bar")?;
        let title = text_element("span", "title", &text("panel_title", &[]))?;
        let hide_button = text_element("button", "hide", "–")?;
        hide_button.set_attribute("title", &text("panel_close", &[]))?;
        hide_button.set_attribute("aria-label", &text("panel_close", &[]))?;
        append(&bar, &[&title, &hide_button])?;

        let notice = element("div", "notice")?;
        notice.set_attribute("data-testid", "photolift-notice")?;
        notice.set_attribute("hidden", "")?;

        let drop_zone = element("label", "drop-zone")?;
        drop_zone.set_attribute("data-testid", "photolift-drop")?;
        let hint = text_element("span", "hint", &text("panel_drop_hint", &[]))?;
        let files_input: HtmlInputElement = element("input", "picker")?.unchecked_into();
        files_input.set_type("file");
        files_input.set_multiple(true);
        files_input.set_attribute("data-testid", "photolift-files")?;
        let pick_files = text_element("button", "pick", &text("panel_pick_files", &[]))?;
        pick_files.set_attribute("data-action", "pick-files")?;
        let folder_input: HtmlInputElement = element("input", "picker")?.unchecked_into();
        folder_input.set_type("file");
        folder_input.set_attribute("webkitdirectory", "")?;
        folder_input.set_attribute("data-testid", "photolift-folder")?;
        let pick_folder = text_element("button", "pick", &text("panel_pick_folder", &[]))?;
        pick_folder.set_attribute("data-action", "pick-folder")?;
        let buttons = element("div", "buttons")?;
        append(&buttons, &[&pick_files, &pick_folder])?;
        append(&drop_zone, &[&hint, &buttons, &files_input, &folder_input])?;

        let summary = element("div", "summary")?;
        summary.set_attribute("data-testid", "photolift-summary")?;
        let summary_text = element("span", "summary-text")?;
        let summary_track = element("div", "track")?;
        let summary_bar = element("div", "fill")?;
        summary_track.append_child(&summary_bar)?;
        append(&summary, &[&summary_text, &summary_track])?;

        let rows = element("ol", "rows")?;
        let privacy = text_element("footer", "privacy", &text("panel_privacy", &[]))?;
        append(
            &root,
            &[&bar, &notice, &drop_zone, &summary, &rows, &privacy],
        )?;
        mount.append_child(&root)?;

        let view = View {
            root,
            files_input,
            folder_input,
            drop_zone,
            hide_button,
            notice,
            summary,
            summary_text,
            summary_bar,
            rows,
            row_elements: HashMap::new(),
        };
        view.render_summary(&SummaryView {
            total: 0,
            uploaded: 0,
            skipped: 0,
            failed: 0,
            state: "idle",
            line: String::new(),
        })?;
        Ok(view)
    }

    pub fn set_notice(&self, message: Option<&str>) -> Result<(), JsValue> {
        match message {
            Some(m) => {
                set_text(&self.notice, m);
                self.notice.remove_attribute("hidden")
            }
            None => self.notice.set_attribute("hidden", ""),
        }
    }

    pub fn set_expanded(&self, expanded: bool) -> Result<(), JsValue> {
        self.root
            .set_attribute("data-expanded", if expanded { "true" } else { "false" })
    }

    pub fn render_row(&mut self, id: u32, row: &RowView) -> Result<(), JsValue> {
        let el = match self.row_elements.get(&id) {
            Some(el) => el.clone(),
            None => {
                let el = element("li", "row")?;
                el.set_attribute("data-testid", "photolift-file")?;
                el.set_attribute("data-name", row.name)?;
                let name = text_element("span", "name", row.name)?;
                name.set_attribute("title", row.name)?;
                let state = element("span", "state")?;
                let message = element("span", "message")?;
                let track = element("div", "track")?;
                let fill = element("div", "fill")?;
                track.append_child(&fill)?;
                append(&el, &[&name, &state, &message, &track])?;
                self.rows.append_child(&el)?;
                self.row_elements.insert(id, el.clone());
                el
            }
        };
        if el.get_attribute("data-state").as_deref() != Some(row.state) {
            el.set_attribute("data-state", row.state)?;
        }
        let children = el.children();
        if let Some(state) = children.item(1) {
            set_text(&state, &text(&format!("state_{}", row.state), &[]));
        }
        if let Some(message) = children.item(2) {
            set_text(&message, row.message);
        }
        if let Some(fill) = children.item(3).and_then(|t| t.first_element_child()) {
            let width = match (row.state, row.progress) {
                ("uploaded", _) => 100.0,
                (_, Some(p)) => (p * 100.0).clamp(0.0, 100.0),
                _ => 0.0,
            };
            fill.unchecked_ref::<HtmlElement>()
                .style()
                .set_property("width", &format!("{width:.0}%"))?;
        }
        Ok(())
    }

    pub fn render_summary(&self, s: &SummaryView) -> Result<(), JsValue> {
        let el = &self.summary;
        el.set_attribute("data-total", &s.total.to_string())?;
        el.set_attribute("data-uploaded", &s.uploaded.to_string())?;
        el.set_attribute("data-skipped", &s.skipped.to_string())?;
        el.set_attribute("data-failed", &s.failed.to_string())?;
        el.set_attribute("data-state", s.state)?;
        set_text(&self.summary_text, &s.line);
        let done = s.uploaded + s.skipped + s.failed;
        let width = if s.total == 0 {
            0.0
        } else {
            done as f64 * 100.0 / s.total as f64
        };
        self.summary_bar
            .unchecked_ref::<HtmlElement>()
            .style()
            .set_property("width", &format!("{width:.1}%"))
    }
}
