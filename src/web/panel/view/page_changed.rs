//! The box the panel shows when iCloud changed its page in a way this version does not know:
//! what happened in plain words, and the diagnostics a user can copy into a bug report
//! (`photolift-page-changed`, its `copy-diagnostics` button and `photolift-diagnostics` text).

use super::super::dom::{append, button, element, set_hidden, set_text, text_element};
use super::super::event::Action;
use crate::web::i18n::text;
use wasm_bindgen::prelude::*;
use web_sys::Element;

pub struct PageChangedBox {
    pub container: Element,
    report: Element,
    copy: Element,
}

impl PageChangedBox {
    pub fn build() -> Result<PageChangedBox, JsValue> {
        let container = element("section", "page-changed")?;
        container.set_attribute("data-testid", "photolift-page-changed")?;
        container.set_attribute("role", "alert")?;
        container.set_attribute("hidden", "")?;
        let heading = text_element("h2", "page-changed-title", &text("page_changed_title", &[]))?;
        let explanation = text_element("p", "page-changed-text", &text("page_changed_text", &[]))?;
        let copy = button(
            "copy",
            Action::CopyDiagnostics,
            &text("page_changed_copy", &[]),
        )?;
        let details = element("details", "page-changed-details")?;
        let summary = text_element("summary", "", &text("page_changed_show", &[]))?;
        let report = element("pre", "diagnostics")?;
        report.set_attribute("data-testid", "photolift-diagnostics")?;
        append(&details, &[&summary, &report])?;
        append(&container, &[&heading, &explanation, &copy, &details])?;
        Ok(PageChangedBox {
            container,
            report,
            copy,
        })
    }

    /// Shows the box with `report`, or hides it with `None`.
    pub fn render(&self, report: Option<&str>) -> Result<(), JsValue> {
        if let Some(report) = report {
            set_text(&self.report, report);
        }
        set_hidden(&self.container, report.is_none())
    }

    /// The copy button says whether the report reached the clipboard.
    pub fn copied(&self, ok: bool) {
        let key = if ok {
            "page_changed_copied"
        } else {
            "page_changed_copy_failed"
        };
        set_text(&self.copy, &text(key, &[]));
    }
}
