//! photolift's options page (`options.html`, opened from the browser's extension settings or the
//! panel's link): the settings in `photolift.settings`, and the upload memory — how many photos it
//! holds, forgetting them (after a confirmation), saving it to a file and loading such a file
//! (which only adds). Every change is stored at once; a running panel picks it up through
//! `store::watch` for what it converts and uploads next.

mod form;

use super::store::{self, StorageChange};
use crate::panel_model::upload_memory::{self, ImportError};
use crate::panel_model::Settings;
use crate::web::i18n::text;
use form::Form;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// The page's state: its controls and the settings they show.
struct Page {
    form: Form,
    settings: RefCell<Settings>,
    /// The number of photos the upload memory holds, as last counted.
    remembered: RefCell<usize>,
    /// A count is being made; another was asked for meanwhile.
    counting: RefCell<(bool, bool)>,
}

pub fn start() -> Result<(), JsValue> {
    let form = Form::build()?;
    let page = Rc::new(Page {
        form,
        settings: RefCell::new(Settings::default()),
        remembered: RefCell::new(0),
        counting: RefCell::new((false, false)),
    });
    let watching = Rc::downgrade(&page);
    store::watch(move |change| {
        let Some(page) = watching.upgrade() else {
            return;
        };
        match change {
            StorageChange::Settings(settings) => {
                page.form.show(&settings);
                *page.settings.borrow_mut() = settings;
            }
            StorageChange::MemoryForgotten
            | StorageChange::MemoryImported(_)
            | StorageChange::MemoryWritten => count(&page),
        }
    });
    wire(&page)?;
    spawn_local(async move {
        match store::read_settings().await {
            Ok(settings) => {
                page.form.show(&settings);
                *page.settings.borrow_mut() = settings;
            }
            Err(error) => page.form.say(&failed(&error)),
        }
        page.form.set_ready();
        count(&page);
    });
    Ok(())
}

fn failed(error: &JsValue) -> String {
    let why = error
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(error, &"message".into())
                .ok()?
                .as_string()
        })
        .unwrap_or_default();
    text("options_failed", &[&why])
}

/// Counts the photos in the upload memory and shows the number (one count at a time; a change
/// during a count is counted again after it).
fn count(page: &Rc<Page>) {
    {
        let mut counting = page.counting.borrow_mut();
        if counting.0 {
            counting.1 = true;
            return;
        }
        *counting = (true, false);
    }
    let page = page.clone();
    spawn_local(async move {
        loop {
            match store::read_memory().await {
                Ok(records) => {
                    let n = upload_memory::distinct(&records).len();
                    *page.remembered.borrow_mut() = n;
                    page.form.show_count(n);
                }
                Err(error) => page.form.say(&failed(&error)),
            }
            let mut counting = page.counting.borrow_mut();
            if !counting.1 {
                *counting = (false, false);
                break;
            }
            counting.1 = false;
        }
    });
}

fn wire(page: &Rc<Page>) -> Result<(), JsValue> {
    let p = page.clone();
    page.form.on_setting(move |change| {
        let settings = {
            let mut settings = p.settings.borrow_mut();
            change(&mut settings);
            *settings = settings.clone().sanitized();
            settings.clone()
        };
        p.form.show(&settings);
        let p = p.clone();
        spawn_local(async move {
            match store::store_settings(&settings).await {
                Ok(()) => p.form.say(&text("options_saved", &[])),
                Err(error) => p.form.say(&failed(&error)),
            }
        });
    })?;
    let p = page.clone();
    page.form.on_forget_asked(move || {
        let n = *p.remembered.borrow();
        p.form.ask_forget(n);
    })?;
    let p = page.clone();
    page.form.on_forget_confirmed(move || {
        let p = p.clone();
        spawn_local(async move {
            let n = *p.remembered.borrow();
            match store::forget_uploaded().await {
                Ok(()) => {
                    p.form.forget_done();
                    p.form.say(&text("options_forgot", &[&n.to_string()]));
                }
                Err(error) => p.form.say(&failed(&error)),
            }
            count(&p);
        });
    })?;
    let p = page.clone();
    page.form.on_export(move || {
        let p = p.clone();
        spawn_local(async move {
            let result = async {
                let records = store::read_memory().await?;
                let today = today();
                let file_text = upload_memory::export_text(&records, &today);
                let name = format!("photolift-upload-memory-{today}.json");
                crate::web::dom::download(&name, "application/json", &file_text)?;
                Ok::<_, JsValue>((upload_memory::distinct(&records).len(), name))
            }
            .await;
            match result {
                Ok((n, name)) => p
                    .form
                    .say(&text("options_exported", &[&n.to_string(), &name])),
                Err(error) => p.form.say(&failed(&error)),
            }
        });
    })?;
    let p = page.clone();
    page.form.on_import(move |file| {
        let p = p.clone();
        spawn_local(async move {
            let said = match import(file).await {
                Ok(Ok((added, known))) => text(
                    "options_imported",
                    &[&added.to_string(), &known.to_string()],
                ),
                Ok(Err(ImportError::NotAMemoryFile)) => text("options_import_not_memory", &[]),
                Ok(Err(ImportError::NewerVersion(v))) => {
                    text("options_import_newer", &[&v.to_string()])
                }
                Ok(Err(ImportError::BadPhoto(at))) => {
                    text("options_import_bad", &[&at.to_string()])
                }
                Err(error) => failed(&error),
            };
            p.form.say(&said);
            count(&p);
        });
    })?;
    Ok(())
}

/// Reads an export file and adds what is new in it to the upload memory: (added, already known).
async fn import(file: web_sys::File) -> Result<Result<(usize, usize), ImportError>, JsValue> {
    let file_text = JsFuture::from(file.text())
        .await?
        .as_string()
        .unwrap_or_default();
    let imported = match upload_memory::import_text(&file_text) {
        Ok(imported) => imported,
        Err(error) => return Ok(Err(error)),
    };
    let existing = store::read_memory().await?;
    let new = upload_memory::new_to(&existing, &imported);
    store::import(&new).await?;
    let known = upload_memory::distinct(&imported).len() - new.len();
    Ok(Ok((new.len(), known)))
}

/// Today as `YYYY-MM-DD` (UTC, as the upload memory keeps days).
fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}
