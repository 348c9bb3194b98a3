//! The panel's controls: pause/resume, cancel, retry, export, the duplicate options, and the
//! banner that offers to resume an interrupted upload. Every button carries a `data-action`; the
//! driver listens once on the container (`[data-testid=photolift-controls]`).
//!
//! The container is `display: contents`: its three parts (resume banner, action row, options) sit
//! at their own places in the panel's column (CSS `order`) while sharing one event listener.

use super::super::dom::{append, button, element, set_disabled, set_hidden, set_text};
use super::super::event::{Action, PanelState};
use super::{ControlsView, ResumeOffer};
use crate::web::i18n::{number, text};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

pub struct Controls {
    pub container: Element,
    resume_banner: Element,
    resume_text: Element,
    actions: Element,
    pause: Element,
    resume: Element,
    cancel: Element,
    retry: Element,
    export_csv: Element,
    export_json: Element,
    duplicates: HtmlInputElement,
    clear_memory: Element,
    /// "Cancel the upload?" with its two answers, in place of the action row while it asks.
    confirm: Element,
    confirm_text: Element,
    confirm_no: Element,
    asking: std::cell::Cell<bool>,
    /// The control that had focus at the last render, while it was one of these.
    last_focused: std::cell::RefCell<Option<Element>>,
}

impl Controls {
    pub fn build() -> Result<Controls, JsValue> {
        let container = element("div", "controls")?;
        container.set_attribute("data-testid", "photolift-controls")?;

        let resume_banner = element("div", "resume-offer")?;
        resume_banner.set_attribute("data-testid", "photolift-resume")?;
        resume_banner.set_attribute("role", "status")?;
        resume_banner.set_attribute("hidden", "")?;
        let resume_text = element("p", "resume-text")?;
        let resume_pick = button(
            "btn primary",
            Action::ResumePick,
            &text("panel_resume_pick", &[]),
        )?;
        let resume_pick_folder = button(
            "btn",
            Action::ResumePickFolder,
            &text("panel_resume_pick_folder", &[]),
        )?;
        let resume_discard = button(
            "btn",
            Action::ResumeDiscard,
            &text("panel_resume_discard", &[]),
        )?;
        let resume_buttons = element("div", "resume-buttons")?;
        append(
            &resume_buttons,
            &[&resume_pick, &resume_pick_folder, &resume_discard],
        )?;
        append(&resume_banner, &[&resume_text, &resume_buttons])?;

        let actions = element("div", "actions")?;
        actions.set_attribute("role", "group")?;
        actions.set_attribute("aria-label", &text("panel_controls_label", &[]))?;
        let pause = button("btn", Action::Pause, &text("panel_pause", &[]))?;
        let resume = button("btn primary", Action::Resume, &text("panel_resume", &[]))?;
        let cancel = button("btn", Action::Cancel, &text("panel_cancel", &[]))?;
        let retry = button(
            "btn",
            Action::RetryFailed,
            &text("panel_retry_failed", &["0"]),
        )?;
        let spacer = element("span", "spacer")?;
        let export_csv = button("btn", Action::ExportCsv, &text("panel_export_csv", &[]))?;
        let export_json = button("btn", Action::ExportJson, &text("panel_export_json", &[]))?;
        append(
            &actions,
            &[
                &pause,
                &resume,
                &cancel,
                &retry,
                &spacer,
                &export_csv,
                &export_json,
            ],
        )?;

        let confirm = element("div", "confirm")?;
        confirm.set_attribute("data-testid", "photolift-confirm-cancel")?;
        confirm.set_attribute("role", "alertdialog")?;
        confirm.set_attribute("aria-labelledby", "photolift-confirm-text")?;
        confirm.set_attribute("hidden", "")?;
        let confirm_text = element("p", "")?;
        confirm_text.set_attribute("id", "photolift-confirm-text")?;
        let confirm_yes = button(
            "btn danger",
            Action::CancelConfirm,
            &text("a11y_cancel_confirm", &[]),
        )?;
        let confirm_no = button("btn", Action::CancelKeep, &text("a11y_cancel_keep", &[]))?;
        let confirm_buttons = element("div", "buttons")?;
        append(&confirm_buttons, &[&confirm_no, &confirm_yes])?;
        append(&confirm, &[&confirm_text, &confirm_buttons])?;

        let options = element("div", "options")?;
        let duplicates_label = element("label", "option")?;
        let duplicates: HtmlInputElement = element("input", "")?.unchecked_into();
        duplicates.set_type("checkbox");
        duplicates.set_attribute("data-action", Action::UploadDuplicates.as_str())?;
        let duplicates_text = element("span", "")?;
        duplicates_text.set_text_content(Some(&text("panel_upload_duplicates", &[])));
        append(&duplicates_label, &[&duplicates, &duplicates_text])?;
        let clear_memory = button(
            "link",
            Action::ClearMemory,
            &text("panel_clear_memory", &[]),
        )?;
        clear_memory.set_attribute("title", &text("panel_clear_memory_title", &[]))?;
        append(&options, &[&duplicates_label, &clear_memory])?;

        append(&container, &[&resume_banner, &actions, &confirm, &options])?;
        let controls = Controls {
            container,
            resume_banner,
            resume_text,
            actions,
            pause,
            resume,
            cancel,
            retry,
            export_csv,
            export_json,
            duplicates,
            clear_memory,
            confirm,
            confirm_text,
            confirm_no,
            asking: std::cell::Cell::new(false),
            last_focused: std::cell::RefCell::new(None),
        };
        controls.render(&ControlsView {
            state: PanelState::Idle,
            failed: 0,
            total: 0,
            upload_duplicates: false,
        })?;
        Ok(controls)
    }

    pub fn render(&self, c: &ControlsView) -> Result<(), JsValue> {
        let running = c.state == PanelState::Running;
        let paused = c.state == PanelState::Paused;
        let show_retry = c.failed > 0 && !running;
        let show_export = c.total > 0;
        // Nothing left to cancel: the question goes with it.
        if self.asking.get() && !(running || paused) {
            self.set_confirm_cancel(false, 0)?;
        }
        let asking = self.asking.get();
        set_hidden(&self.confirm, !asking)?;
        set_hidden(&self.pause, !running)?;
        set_hidden(&self.resume, !paused)?;
        set_hidden(&self.cancel, !(running || paused))?;
        set_hidden(&self.retry, !show_retry)?;
        if show_retry {
            set_text(
                &self.retry,
                &text("panel_retry_failed", &[&number(c.failed as u64)]),
            );
        }
        set_hidden(&self.export_csv, !show_export)?;
        set_hidden(&self.export_json, !show_export)?;
        set_hidden(
            &self.actions,
            asking || !(running || paused || show_retry || show_export),
        )?;
        if self.duplicates.checked() != c.upload_duplicates {
            self.duplicates.set_checked(c.upload_duplicates);
        }
        // Forgetting what was uploaded while files are being checked against it would be a race.
        set_disabled(&self.clear_memory, running)
    }

    /// Shows or hides the question that Cancel asks; `left` photos would not be uploaded.
    pub fn set_confirm_cancel(&self, asking: bool, left: usize) -> Result<(), JsValue> {
        self.asking.set(asking);
        if asking {
            set_text(
                &self.confirm_text,
                &text("a11y_cancel_question", &[&left.to_string()]),
            );
        }
        set_hidden(&self.confirm, !asking)?;
        set_hidden(&self.actions, asking)
    }

    /// The control with focus was hidden by a change of state (Pause when the upload is done):
    /// focus goes to a control still shown, never to the page's body.
    pub fn rescue_focus(&self, fallback: &Element) -> Result<(), JsValue> {
        let Some(active) = super::super::dom::document().active_element() else {
            return Ok(());
        };
        // The browser may already have moved focus to the body when the control was hidden:
        // the control that had it last tells.
        let had_focus = if self.container.contains(Some(&active)) {
            Some(active.clone())
        } else if active.tag_name() == "BODY" {
            self.last_focused.take()
        } else {
            None
        };
        let Some(had_focus) = had_focus else {
            self.last_focused.replace(None);
            return Ok(());
        };
        if !is_hidden(&had_focus) || self.asking.get() {
            self.last_focused.replace(Some(had_focus));
            return Ok(());
        }
        let target = [
            &self.pause,
            &self.resume,
            &self.retry,
            &self.export_csv,
            &self.export_json,
        ]
        .into_iter()
        .find(|el| !is_hidden(el))
        .cloned()
        .or_else(|| fallback.query_selector(".pick").ok().flatten());
        if let Some(target) = &target {
            target.unchecked_ref::<web_sys::HtmlElement>().focus()?;
        }
        self.last_focused.replace(target);
        Ok(())
    }

    /// Moves focus to the control that replaces the one `action` came from, when that one is
    /// gone or hidden now.
    pub fn keep_focus(&self, action: Action, fallback: &Element) -> Result<(), JsValue> {
        let shown = |el: &Element| !is_hidden(el);
        let candidates: Vec<&Element> = match action {
            Action::Pause => vec![&self.resume, &self.cancel],
            Action::Resume => vec![&self.pause, &self.cancel],
            Action::Cancel => vec![&self.confirm_no],
            Action::CancelKeep => vec![&self.cancel, &self.pause, &self.resume],
            Action::CancelConfirm | Action::RetryFailed => {
                vec![&self.pause, &self.retry, &self.export_csv]
            }
            _ => return Ok(()),
        };
        let active = super::super::dom::document().active_element();
        let lost = match &active {
            None => true,
            Some(el) => !shown(el) || el.tag_name() == "BODY",
        };
        let asked_to_move = matches!(action, Action::Cancel | Action::CancelKeep);
        if !lost && !asked_to_move {
            return Ok(());
        }
        let target = candidates
            .into_iter()
            .find(|el| shown(el))
            .cloned()
            .or_else(|| fallback.query_selector(".pick").ok().flatten());
        if let Some(target) = target {
            target.unchecked_into::<web_sys::HtmlElement>().focus()?;
        }
        Ok(())
    }

    pub fn set_resume_offer(&self, offer: Option<&ResumeOffer>) -> Result<(), JsValue> {
        if let Some(offer) = offer {
            let mut line = text(
                "panel_resume_offer",
                &[
                    &offer.started,
                    &number(offer.uploaded as u64),
                    &number(offer.waiting as u64),
                ],
            );
            if !offer.dropped.is_empty() {
                line.push(' ');
                line.push_str(&text("panel_resume_dropped", &[&offer.dropped.join(", ")]));
            }
            set_text(&self.resume_text, &line);
        }
        set_hidden(&self.resume_banner, offer.is_none())
    }
}

/// Whether `el` or one of its ancestors is hidden.
fn is_hidden(el: &Element) -> bool {
    el.closest("[hidden]").ok().flatten().is_some()
}
