//! The file list, virtualised so that 10,000 files do not freeze the panel.
//!
//! The model is every row's data, in the order the files arrived (`rows`, with `by_id` mapping a
//! file id to its index). The DOM holds only the rows in view plus `OVERSCAN` on each side: a pool
//! of `<li>` elements, absolutely placed at `index × ROW_HEIGHT` inside a list whose height stands
//! for all rows. Updating a row that is off screen only changes the model: O(1), no DOM work. The
//! DOM catches up in `flush`, once per burst of updates, and on scroll.
//!
//! Test contract: each rendered row is `li[data-testid=photolift-file]` with `data-name`,
//! `data-state` and a `.message`; rows off screen are absent.

use super::super::dom::{append, element, set_attr, set_hidden, set_style, set_text};
use super::RowView;
use crate::web::i18n::text;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The selected row's whole name and message, wrapped, below the list (a row shows one line).
pub struct Detail {
    pub container: Element,
    pub name: Element,
    pub message: Element,
}

/// Every row is this tall (CSS `.row` agrees).
pub const ROW_HEIGHT: f64 = 56.0;
/// Rows rendered beyond each edge of the viewport, so a quick scroll shows no gap.
const OVERSCAN: usize = 8;
/// The height assumed while the list is not laid out (panel collapsed or hidden).
const FALLBACK_HEIGHT: f64 = 600.0;

/// What the model keeps of a row.
struct RowData {
    name: String,
    state: &'static str,
    message: String,
    progress: Option<f64>,
    thumbnail: Option<String>,
    /// Already in `RowList::dirty`.
    dirty: bool,
}

impl RowData {
    fn new(row: &RowView) -> RowData {
        RowData {
            name: row.name.to_owned(),
            state: row.state,
            message: row.message.to_owned(),
            progress: row.progress,
            thumbnail: row.thumbnail.map(str::to_owned),
            dirty: false,
        }
    }

    fn same_as(&self, row: &RowView) -> bool {
        self.state == row.state
            && self.name == row.name
            && self.message == row.message
            && self.progress == row.progress
            && self.thumbnail.as_deref() == row.thumbnail
    }

    fn update(&mut self, row: &RowView) {
        if self.name != row.name {
            self.name = row.name.to_owned();
        }
        self.state = row.state;
        if self.message != row.message {
            self.message = row.message.to_owned();
        }
        self.progress = row.progress;
        if self.thumbnail.as_deref() != row.thumbnail {
            self.thumbnail = row.thumbnail.map(str::to_owned);
        }
    }
}

/// One `<li>` of the pool, with its parts.
struct Slot {
    li: Element,
    img: Element,
    badge: Element,
    name: Element,
    message: Element,
    state: Element,
    fill: Element,
    /// The row index it shows; `usize::MAX` while it is spare.
    index: usize,
}

impl Slot {
    fn new() -> Result<Slot, JsValue> {
        let li = element("li", "row")?;
        li.set_attribute("data-testid", "photolift-file")?;
        // Reached with the arrow keys from the list (its viewport is the one tab stop).
        li.set_attribute("tabindex", "-1")?;
        let thumb = element("span", "thumb")?;
        thumb.set_attribute("aria-hidden", "true")?;
        let badge = element("span", "badge")?;
        let img = element("img", "")?;
        img.set_attribute("alt", "")?;
        img.set_attribute("loading", "lazy")?;
        img.set_attribute("decoding", "async")?;
        img.set_attribute("width", "40")?;
        img.set_attribute("height", "40")?;
        img.set_attribute("hidden", "")?;
        append(&thumb, &[&badge, &img])?;
        let body = element("span", "body")?;
        let name = element("span", "name")?;
        let message = element("span", "message")?;
        append(&body, &[&name, &message])?;
        let state = element("span", "state")?;
        let track = element("span", "track")?;
        let fill = element("span", "fill")?;
        track.append_child(&fill)?;
        append(&li, &[&thumb, &body, &state, &track])?;
        Ok(Slot {
            li,
            img,
            badge,
            name,
            message,
            state,
            fill,
            index: usize::MAX,
        })
    }

    /// Moves the slot to row `index` of `count`.
    fn place(&mut self, index: usize, count: usize) -> Result<(), JsValue> {
        if self.index != index {
            self.index = index;
            let top = index as f64 * ROW_HEIGHT;
            set_style(&self.li, "transform", &format!("translateY({top}px)"))?;
            set_attr(&self.li, "aria-posinset", &(index + 1).to_string())?;
        }
        set_attr(&self.li, "aria-setsize", &count.to_string())
    }

    /// Writes the row's content; each write happens only when the value changed.
    fn paint(&self, row: &RowData, state_label: &str) -> Result<(), JsValue> {
        set_attr(&self.li, "data-name", &row.name)?;
        set_attr(&self.li, "data-state", row.state)?;
        set_text(&self.name, &row.name);
        set_attr(&self.name, "title", &row.name)?;
        set_text(&self.message, &row.message);
        if row.message.is_empty() {
            self.message.remove_attribute("title")?;
        } else {
            set_attr(&self.message, "title", &row.message)?;
        }
        set_text(&self.state, state_label);
        set_text(&self.badge, extension(&row.name));
        match row.thumbnail.as_deref() {
            Some(url) => {
                set_attr(&self.img, "src", url)?;
                set_hidden(&self.img, false)?;
            }
            None => {
                set_hidden(&self.img, true)?;
                if self.img.has_attribute("src") {
                    self.img.remove_attribute("src")?;
                }
            }
        }
        let width = match (row.state, row.progress) {
            ("uploaded", _) => 100.0,
            (_, Some(p)) => (p * 100.0).clamp(0.0, 100.0),
            _ => 0.0,
        };
        set_style(&self.fill, "width", &format!("{width:.0}%"))
    }
}

/// The placeholder's label: the file's extension ("HEIC"), at most 4 letters.
fn extension(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.len() <= 4 => ext,
        _ => "",
    }
}

pub struct RowList {
    viewport: Element,
    list: Element,
    rows: Vec<RowData>,
    by_id: HashMap<u32, usize>,
    slots: Vec<Slot>,
    /// Row index → slot, for the rows in the DOM.
    shown: HashMap<usize, usize>,
    /// Slots out of the DOM, ready for reuse.
    spare: Vec<usize>,
    /// Shown rows whose data changed since the last flush.
    dirty: Vec<usize>,
    /// The row count the list's height stands for.
    sized_for: usize,
    /// The row last focused: marked, and shown whole in the detail.
    selected: Option<usize>,
    detail: Detail,
    /// "Uploaded", "Waiting"… once per state, not once per row.
    labels: HashMap<&'static str, String>,
}

impl RowList {
    pub fn new(viewport: Element, list: Element, detail: Detail) -> RowList {
        RowList {
            viewport,
            list,
            rows: Vec::new(),
            by_id: HashMap::new(),
            slots: Vec::new(),
            shown: HashMap::new(),
            spare: Vec::new(),
            dirty: Vec::new(),
            sized_for: usize::MAX,
            selected: None,
            detail,
            labels: HashMap::new(),
        }
    }

    /// Moves the selection by a key; `Ok(false)` for a key the list does not take.
    pub fn key(&mut self, key: &str) -> Result<bool, JsValue> {
        let count = self.rows.len();
        if count == 0 {
            return Ok(false);
        }
        let page =
            ((f64::from(self.viewport.client_height()) / ROW_HEIGHT).floor() as usize).max(1);
        let first_in_view = ((f64::from(self.viewport.scroll_top()).max(0.0) / ROW_HEIGHT).ceil()
            as usize)
            .min(count - 1);
        let current = self.selected.filter(|&i| i < count);
        let next = match (key, current) {
            ("ArrowDown", None) | ("ArrowUp", None) => first_in_view,
            ("ArrowDown", Some(i)) => (i + 1).min(count - 1),
            ("ArrowUp", Some(i)) => i.saturating_sub(1),
            ("PageDown", i) => (i.unwrap_or(first_in_view) + page).min(count - 1),
            ("PageUp", i) => i.unwrap_or(first_in_view).saturating_sub(page),
            ("Home", _) => 0,
            ("End", _) => count - 1,
            _ => return Ok(false),
        };
        self.reveal(next);
        self.flush()?;
        self.select(next)?;
        if let Some(&slot) = self.shown.get(&next) {
            self.slots[slot].li.unchecked_ref::<HtmlElement>().focus()?;
        }
        Ok(true)
    }

    /// Scrolls the list just enough that row `index` is in view.
    fn reveal(&self, index: usize) {
        let top = index as f64 * ROW_HEIGHT;
        let height = f64::from(self.viewport.client_height());
        let scroll = f64::from(self.viewport.scroll_top());
        if top < scroll {
            self.viewport.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT > scroll + height && height > 0.0 {
            self.viewport
                .set_scroll_top((top + ROW_HEIGHT - height).ceil() as i32);
        }
    }

    /// Row `index` is selected: marked, and shown in the detail.
    pub fn select(&mut self, index: usize) -> Result<(), JsValue> {
        if index >= self.rows.len() {
            return Ok(());
        }
        let before = self.selected.replace(index);
        for (&shown, &slot) in &self.shown {
            if Some(shown) == before || shown == index {
                let selected = if shown == index { "true" } else { "false" };
                set_attr(&self.slots[slot].li, "data-selected", selected)?;
            }
        }
        self.paint_detail()
    }

    /// The detail shows the selected row's whole name and message.
    fn paint_detail(&self) -> Result<(), JsValue> {
        let Some(row) = self.selected.and_then(|i| self.rows.get(i)) else {
            return set_hidden(&self.detail.container, true);
        };
        set_attr(&self.detail.container, "data-state", row.state)?;
        set_attr(&self.detail.container, "data-name", &row.name)?;
        set_text(&self.detail.name, &row.name);
        let state = text(&format!("state_{}", row.state), &[]);
        let message = if row.message.is_empty() {
            state
        } else {
            format!("{state}: {}", row.message)
        };
        set_text(&self.detail.message, &message);
        set_hidden(&self.detail.container, false)
    }

    /// Records a row's data: O(1), no DOM work until `flush`.
    pub fn set(&mut self, id: u32, row: &RowView) {
        match self.by_id.get(&id) {
            Some(&index) => {
                let data = &mut self.rows[index];
                if data.same_as(row) {
                    return;
                }
                data.update(row);
                if !data.dirty && self.shown.contains_key(&index) {
                    data.dirty = true;
                    self.dirty.push(index);
                }
            }
            None => {
                self.by_id.insert(id, self.rows.len());
                self.rows.push(RowData::new(row));
            }
        }
    }

    /// The rows to have in the DOM: those in view, plus the overscan.
    fn wanted(&self) -> (usize, usize) {
        let count = self.rows.len();
        let top = f64::from(self.viewport.scroll_top()).max(0.0);
        let height = match f64::from(self.viewport.client_height()) {
            h if h > 0.0 => h,
            _ => FALLBACK_HEIGHT,
        };
        let first = ((top / ROW_HEIGHT).floor() as usize).saturating_sub(OVERSCAN);
        let end = (((top + height) / ROW_HEIGHT).ceil() as usize).saturating_add(OVERSCAN);
        (first.min(count), end.min(count))
    }

    /// Brings the DOM in line with the model for the rows in view.
    pub fn flush(&mut self) -> Result<(), JsValue> {
        let count = self.rows.len();
        let resized = count != self.sized_for;
        if resized {
            self.sized_for = count;
            let height = count as f64 * ROW_HEIGHT;
            set_style(&self.list, "height", &format!("{height}px"))?;
        }
        let (first, end) = self.wanted();

        // Rows that left the view give their slots back.
        let mut freed = Vec::new();
        self.shown.retain(|&index, &mut slot| {
            let keep = (first..end).contains(&index);
            if !keep {
                freed.push(slot);
            }
            keep
        });

        // Rows that entered the view take a freed slot, a spare one, or a new one.
        for index in first..end {
            if self.shown.contains_key(&index) {
                continue;
            }
            let slot = match freed.pop().or_else(|| self.spare.pop()) {
                Some(slot) => slot,
                None => {
                    self.slots.push(Slot::new()?);
                    self.slots.len() - 1
                }
            };
            let row = &self.rows[index];
            let label = state_label(&mut self.labels, row.state);
            let target = &mut self.slots[slot];
            if !target.li.is_connected() {
                self.list.append_child(&target.li)?;
            }
            target.place(index, count)?;
            target.paint(row, label)?;
            let selected = if self.selected == Some(index) {
                "true"
            } else {
                "false"
            };
            set_attr(&target.li, "data-selected", selected)?;
            self.shown.insert(index, slot);
        }

        // Slots left over leave the DOM, so that tests never see a stale row. A row that had focus
        // hands it to the list, never to the page's body.
        let active = super::super::dom::document().active_element();
        for slot in freed {
            if active.as_ref() == Some(&self.slots[slot].li) {
                self.viewport.unchecked_ref::<HtmlElement>().focus()?;
            }
            self.slots[slot].li.remove();
            self.slots[slot].index = usize::MAX;
            self.spare.push(slot);
        }

        // Rows that stayed in view and changed.
        for index in std::mem::take(&mut self.dirty) {
            let row = &mut self.rows[index];
            row.dirty = false;
            if self.selected == Some(index) {
                self.paint_detail()?;
            }
            let row = &self.rows[index];
            if let Some(&slot) = self.shown.get(&index) {
                let label = state_label(&mut self.labels, row.state);
                self.slots[slot].paint(row, label)?;
            }
        }
        if resized {
            // A new count changes every shown row's aria-setsize.
            for (&index, &slot) in &self.shown {
                self.slots[slot].place(index, count)?;
            }
        }
        Ok(())
    }
}

fn state_label<'a>(labels: &'a mut HashMap<&'static str, String>, state: &'static str) -> &'a str {
    labels
        .entry(state)
        .or_insert_with(|| text(&format!("state_{state}"), &[]))
}
