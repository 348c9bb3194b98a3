//! The options page's DOM: built once in `#options-root`, every word from `_locales`. Each
//! control has a visible `<label>`, its help joined by `aria-describedby`, and an id the tests
//! use (`quality`, `date-rescue`, `batch-size`, `max-attempts`, `upload-duplicates`, `forget`,
//! `forget-confirm`, `forget-cancel`, `export`, `import`, `memory-count`, `status`).

use crate::panel_model::{Settings, BATCH_SIZE_RANGE, MAX_ATTEMPTS_RANGE, QUALITY_RANGE};
use crate::web::dom::{append, document, element, listen, text_element};
use crate::web::i18n::text;
use std::ops::RangeInclusive;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

fn button(id: &str, class: &str, words: &str) -> Result<Element, JsValue> {
    let el = text_element("button", class, words)?;
    el.set_attribute("type", "button")?;
    el.set_id(id);
    Ok(el)
}

fn focus(el: &Element) {
    let _ = el.unchecked_ref::<HtmlElement>().focus();
}

/// One `<section>` with its heading.
fn section(id: &str, title: &str) -> Result<Element, JsValue> {
    let section = element("section", "group")?;
    let heading = text_element("h2", "", title)?;
    heading.set_id(&format!("{id}-title"));
    section.set_attribute("aria-labelledby", &format!("{id}-title"))?;
    section.append_child(&heading)?;
    Ok(section)
}

/// A help paragraph with an id, for `aria-describedby`.
fn help(id: &str, words: &str) -> Result<Element, JsValue> {
    let p = text_element("p", "help", words)?;
    p.set_id(&format!("{id}-help"));
    Ok(p)
}

/// A labelled number field (spin button) limited to `range`; its help (`help_key`) names the
/// range and the default.
fn number_field<T: ToString>(
    id: &str,
    label: &str,
    help_key: &str,
    range: &RangeInclusive<T>,
    default: T,
) -> Result<(Element, HtmlInputElement), JsValue> {
    let (min, max) = (range.start().to_string(), range.end().to_string());
    let help_words = text(help_key, &[&min, &max, &default.to_string()]);
    let row = element("div", "field number")?;
    let label_el = text_element("label", "", label)?;
    label_el.set_attribute("for", id)?;
    let input: HtmlInputElement = element("input", "")?.unchecked_into();
    input.set_type("number");
    input.set_id(id);
    input.set_min(&min);
    input.set_max(&max);
    input.set_step("1");
    input.set_attribute("inputmode", "numeric")?;
    input.set_attribute("aria-describedby", &format!("{id}-help"))?;
    append(&row, &[&label_el, &input, &help(id, &help_words)?])?;
    Ok((row, input))
}

/// A labelled checkbox with its help.
fn check_field(
    id: &str,
    label: &str,
    help_words: &str,
) -> Result<(Element, HtmlInputElement), JsValue> {
    let row = element("div", "field check")?;
    let input: HtmlInputElement = element("input", "")?.unchecked_into();
    input.set_type("checkbox");
    input.set_id(id);
    input.set_attribute("aria-describedby", &format!("{id}-help"))?;
    let label_el = text_element("label", "", label)?;
    label_el.set_attribute("for", id)?;
    append(&row, &[&input, &label_el, &help(id, help_words)?])?;
    Ok((row, input))
}

pub struct Form {
    root: Element,
    quality: HtmlInputElement,
    date_rescue: HtmlInputElement,
    batch_size: HtmlInputElement,
    max_attempts: HtmlInputElement,
    upload_duplicates: HtmlInputElement,
    memory_count: Element,
    forget: Element,
    confirm: Element,
    confirm_text: Element,
    confirm_yes: Element,
    confirm_no: Element,
    export: Element,
    import: HtmlInputElement,
    status: Element,
}

impl Form {
    pub fn build() -> Result<Form, JsValue> {
        let doc = document();
        doc.set_title(&text("options_title", &[]));
        if let Some(html) = doc.document_element() {
            html.set_attribute("lang", crate::web::i18n::ui_language())?;
        }
        let root = doc
            .get_element_by_id("options-root")
            .ok_or("no #options-root")?;
        let defaults = Settings::default();

        let title = text_element("h1", "", &text("options_title", &[]))?;
        let applies = text_element("p", "applies", &text("options_applies", &[]))?;

        let conversion = section("conversion", &text("options_section_conversion", &[]))?;
        let (quality_row, quality) = number_field(
            "quality",
            &text("options_quality", &[]),
            "options_quality_help",
            &QUALITY_RANGE,
            defaults.quality,
        )?;
        let (date_row, date_rescue) = check_field(
            "date-rescue",
            &text("options_date_rescue", &[]),
            &text("options_date_rescue_help", &[]),
        )?;
        append(&conversion, &[&quality_row, &date_row])?;

        let upload = section("upload", &text("options_section_upload", &[]))?;
        let (batch_row, batch_size) = number_field(
            "batch-size",
            &text("options_batch_size", &[]),
            "options_batch_size_help",
            &BATCH_SIZE_RANGE,
            defaults.batch_size,
        )?;
        let (attempts_row, max_attempts) = number_field(
            "max-attempts",
            &text("options_retries", &[]),
            "options_retries_help",
            &MAX_ATTEMPTS_RANGE,
            defaults.max_attempts,
        )?;
        let (duplicates_row, upload_duplicates) = check_field(
            "upload-duplicates",
            &text("options_upload_duplicates", &[]),
            &text("options_upload_duplicates_help", &[]),
        )?;
        append(&upload, &[&batch_row, &attempts_row, &duplicates_row])?;

        let memory = section("memory", &text("options_section_memory", &[]))?;
        let intro = text_element("p", "", &text("options_memory_intro", &[]))?;
        let memory_count = element("p", "count")?;
        memory_count.set_id("memory-count");
        let forget = button("forget", "btn", &text("options_forget", &[]))?;
        forget.set_attribute("aria-expanded", "false")?;
        forget.set_attribute("aria-controls", "forget-box")?;
        let confirm = element("div", "confirm")?;
        confirm.set_id("forget-box");
        confirm.set_attribute("role", "group")?;
        confirm.set_attribute("aria-labelledby", "forget-question")?;
        confirm.set_attribute("hidden", "")?;
        let confirm_text = element("p", "")?;
        confirm_text.set_id("forget-question");
        let confirm_yes = button("forget-confirm", "btn danger", "")?;
        let confirm_no = button("forget-cancel", "btn", &text("options_forget_no", &[]))?;
        append(&confirm, &[&confirm_text, &confirm_yes, &confirm_no])?;
        let export = button("export", "btn", &text("options_export", &[]))?;
        export.set_attribute("aria-describedby", "export-help")?;
        let import_label = text_element("label", "btn file", &text("options_import", &[]))?;
        import_label.set_attribute("for", "import")?;
        let import: HtmlInputElement = element("input", "visually-hidden")?.unchecked_into();
        import.set_type("file");
        import.set_id("import");
        import.set_accept(".json,application/json");
        import.set_attribute("aria-describedby", "import-help")?;
        let forget_row = element("div", "buttons")?;
        append(&forget_row, &[&forget])?;
        let file_row = element("div", "buttons")?;
        append(&file_row, &[&export, &import, &import_label])?;
        append(
            &memory,
            &[
                &intro,
                &memory_count,
                &forget_row,
                &confirm,
                &file_row,
                &help("export", &text("options_export_help", &[]))?,
                &help("import", &text("options_import_help", &[]))?,
            ],
        )?;

        let status = element("p", "status")?;
        status.set_id("status");
        status.set_attribute("role", "status")?;

        append(
            &root,
            &[&title, &applies, &conversion, &upload, &memory, &status],
        )?;
        let form = Form {
            root,
            quality,
            date_rescue,
            batch_size,
            max_attempts,
            upload_duplicates,
            memory_count,
            forget,
            confirm,
            confirm_text,
            confirm_yes,
            confirm_no,
            export,
            import,
            status,
        };
        form.set_enabled(false);
        Ok(form)
    }

    fn inputs(&self) -> [&HtmlInputElement; 6] {
        [
            &self.quality,
            &self.date_rescue,
            &self.batch_size,
            &self.max_attempts,
            &self.upload_duplicates,
            &self.import,
        ]
    }

    fn set_enabled(&self, enabled: bool) {
        for input in self.inputs() {
            input.set_disabled(!enabled);
        }
        for el in [&self.forget, &self.export] {
            let _ = if enabled {
                el.remove_attribute("disabled")
            } else {
                el.set_attribute("disabled", "")
            };
        }
    }

    /// The stored settings are shown: the controls may be used (`data-ready` for the tests).
    pub fn set_ready(&self) {
        self.set_enabled(true);
        let _ = self.root.set_attribute("data-ready", "true");
    }

    /// Shows `settings` in the controls.
    pub fn show(&self, settings: &Settings) {
        let number = |input: &HtmlInputElement, value: f64| {
            if input.value_as_number() != value {
                input.set_value_as_number(value);
            }
        };
        number(&self.quality, f64::from(settings.quality));
        number(&self.batch_size, settings.batch_size as f64);
        number(&self.max_attempts, f64::from(settings.max_attempts));
        self.date_rescue.set_checked(settings.date_rescue);
        self.upload_duplicates
            .set_checked(settings.upload_duplicates);
    }

    pub fn show_count(&self, n: usize) {
        self.memory_count
            .set_text_content(Some(&text("options_memory_count", &[&n.to_string()])));
        let _ = self
            .memory_count
            .set_attribute("data-count", &n.to_string());
    }

    /// A line in the status region (read out by screen readers).
    pub fn say(&self, words: &str) {
        // Emptied first, so the same words said twice are announced twice.
        self.status.set_text_content(None);
        self.status.set_text_content(Some(words));
    }

    /// `handler` gets, for each changed control, the change to make to the settings.
    pub fn on_setting(
        &self,
        handler: impl Fn(&dyn Fn(&mut Settings)) + 'static,
    ) -> Result<(), JsValue> {
        let handler = std::rc::Rc::new(handler);
        let fields: [(&HtmlInputElement, Apply); 5] = [
            (&self.quality, |s, i| {
                if let Some(v) = whole(i) {
                    s.quality = v.clamp(0.0, 255.0) as u8;
                }
            }),
            (&self.batch_size, |s, i| {
                if let Some(v) = whole(i) {
                    s.batch_size = v.max(0.0) as usize;
                }
            }),
            (&self.max_attempts, |s, i| {
                if let Some(v) = whole(i) {
                    s.max_attempts = v.max(0.0) as u32;
                }
            }),
            (&self.date_rescue, |s, i| s.date_rescue = i.checked()),
            (&self.upload_duplicates, |s, i| {
                s.upload_duplicates = i.checked()
            }),
        ];
        for (input, apply) in fields {
            let handler = handler.clone();
            let source = input.clone();
            listen(input, "change", move |_: web_sys::Event| {
                handler(&|settings: &mut Settings| apply(settings, &source));
            })?;
        }
        Ok(())
    }

    pub fn on_forget_asked(&self, handler: impl Fn() + 'static) -> Result<(), JsValue> {
        listen(&self.forget, "click", move |_: web_sys::Event| handler())
    }

    /// Shows the confirmation for forgetting `n` photos, its safe choice focused.
    pub fn ask_forget(&self, n: usize) {
        let count = n.to_string();
        self.confirm_text
            .set_text_content(Some(&text("options_forget_confirm", &[&count])));
        self.confirm_yes
            .set_text_content(Some(&text("options_forget_yes", &[&count])));
        let _ = self.confirm.remove_attribute("hidden");
        let _ = self.forget.set_attribute("aria-expanded", "true");
        focus(&self.confirm_no);
    }

    /// Closes the confirmation and gives focus back to the button that opened it.
    pub fn forget_done(&self) {
        let _ = self.confirm.set_attribute("hidden", "");
        let _ = self.forget.set_attribute("aria-expanded", "false");
        focus(&self.forget);
    }

    pub fn on_forget_confirmed(&self, handler: impl Fn() + 'static) -> Result<(), JsValue> {
        listen(&self.confirm_yes, "click", move |_: web_sys::Event| {
            handler()
        })?;
        let (confirm, forget) = (self.confirm.clone(), self.forget.clone());
        let close = move || {
            let _ = confirm.set_attribute("hidden", "");
            let _ = forget.set_attribute("aria-expanded", "false");
            focus(&forget);
        };
        let close_too = close.clone();
        listen(&self.confirm_no, "click", move |_: web_sys::Event| close())?;
        listen(
            &self.confirm,
            "keydown",
            move |event: web_sys::KeyboardEvent| {
                if event.key() == "Escape" {
                    event.prevent_default();
                    close_too();
                }
            },
        )
    }

    pub fn on_export(&self, handler: impl Fn() + 'static) -> Result<(), JsValue> {
        listen(&self.export, "click", move |_: web_sys::Event| handler())
    }

    pub fn on_import(&self, handler: impl Fn(web_sys::File) + 'static) -> Result<(), JsValue> {
        let input = self.import.clone();
        listen(&self.import, "change", move |_: web_sys::Event| {
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                handler(file);
            }
            // The same file may be loaded again later.
            input.set_value("");
        })
    }
}

/// How a control's value goes into the settings.
type Apply = fn(&mut Settings, &HtmlInputElement);

/// A number field's value, when it holds a number (an empty or half-typed field changes nothing).
fn whole(input: &HtmlInputElement) -> Option<f64> {
    Some(input.value_as_number())
        .filter(|v| v.is_finite())
        .map(f64::round)
}
