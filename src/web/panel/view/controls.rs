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

        append(&container, &[&resume_banner, &actions, &options])?;
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
            !(running || paused || show_retry || show_export),
        )?;
        if self.duplicates.checked() != c.upload_duplicates {
            self.duplicates.set_checked(c.upload_duplicates);
        }
        // Forgetting what was uploaded while files are being checked against it would be a race.
        set_disabled(&self.clear_memory, running)
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
