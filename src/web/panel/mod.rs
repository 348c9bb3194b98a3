//! The panel: an extension page in an iframe on the iCloud Photos page. It owns the plan (the pure
//! `queue`), the worker pool, and the link to the content script; every input (DOM events, worker
//! messages, page messages, the clock) becomes one `Event` (`event.rs`) handled by
//! `Driver::handle`. Only this file holds the driver; everything else sends events.

mod background;
mod clipboard;
mod connection;
mod conversions;
mod dom;
mod driver;
mod event;
mod handles;
mod intake;
mod news;
mod one_at_a_time;
mod options_link;
mod page_session;
mod present;
mod resume;
mod thumbnail;
mod view;
mod web_images;

use super::pool::{Pool, WorkerSignal};
use super::store;
use crate::web::dom::listen;
use driver::Driver;
use event::{Action, Event, Sender};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Event as DomEvent, MessageEvent};

pub struct Panel;

type Shared = Rc<RefCell<Option<Driver>>>;

/// Delivers an event to the driver. Events arrive from the JS event loop, one at a time, so the
/// driver is never borrowed twice.
fn deliver(shared: &Weak<RefCell<Option<Driver>>>, event: Event) {
    let Some(shared) = shared.upgrade() else {
        return;
    };
    let mut guard = shared.borrow_mut();
    if let Some(driver) = guard.as_mut() {
        if let Err(error) = driver.handle(event) {
            web_sys::console::error_2(&"photolift panel:".into(), &error);
        }
    }
}

impl Panel {
    /// `worker_module`: the workers' WebAssembly, compiled once by `panel.js` as the panel starts
    /// (a promise of a `WebAssembly.Module`), for every worker of the pool.
    pub fn start(
        worker_url: String,
        worker_module: Option<js_sys::Promise>,
    ) -> Result<(), JsValue> {
        crate::web::i18n::mark_document_language();
        wasm_bindgen_futures::spawn_local(async move {
            // Nothing (no view, no turn, no storage, no handles) before the content script that
            // injected this panel has connected and the background has vouched for it.
            let port = match connection::accept().await {
                Ok(port) => port,
                Err(error) => {
                    web_sys::console::error_2(
                        &"photolift: no connection to the page".into(),
                        &error,
                    );
                    return;
                }
            };
            // Another tab's panel may be uploading; it owns the journal until its tab goes.
            if let Some(root) = dom::document().get_element_by_id("photolift-root") {
                if let Err(error) = one_at_a_time::wait_for_turn(&root).await {
                    web_sys::console::warn_2(&"photolift: waiting for my turn".into(), &error);
                }
            }
            // Storage first: workers and page messages must find the driver in place.
            let loaded = store::load().await.unwrap_or_else(|error| {
                web_sys::console::warn_2(&"photolift: storage unreadable".into(), &error);
                store::Loaded::default()
            });
            if let Err(error) = Panel::build(worker_url, worker_module, loaded, port) {
                web_sys::console::error_2(&"photolift panel failed to start:".into(), &error);
            }
        });
        Ok(())
    }

    fn build(
        worker_url: String,
        worker_module: Option<js_sys::Promise>,
        loaded: store::Loaded,
        port: web_sys::MessagePort,
    ) -> Result<(), JsValue> {
        let shared: Shared = Rc::new(RefCell::new(None));
        let weak = Rc::downgrade(&shared);
        let send: Sender = Rc::new(move |event| deliver(&weak, event));

        let signal = send.clone();
        let pool = Pool::new(
            worker_url,
            worker_module,
            Pool::size_for_machine(),
            Rc::new(move |worker: WorkerSignal| signal(Event::Worker(worker))),
        )?;
        let mount = dom::document()
            .get_element_by_id("photolift-root")
            .ok_or("no #photolift-root")?;
        let view = view::View::build(&mount)?;
        wire_dom(&view, &send)?;
        options_link::add(&mount)?;
        let changed = send.clone();
        store::watch(move |change| changed(Event::Storage(change)));
        let driver = Driver::new(view, pool, loaded, send.clone());
        if driver.awaits_originals() {
            resume_from_kept_handles(send.clone());
        }
        *shared.borrow_mut() = Some(driver);
        web_images::take(send.clone());

        wire_page(&send, port);
        // The panel lives as long as its page: nothing ever drops this.
        std::mem::forget(shared);
        Ok(())
    }
}

/// An interrupted upload takes its files back from the handles the browser kept for its drops,
/// when it may still read them; otherwise the panel's offer asks for the files.
fn resume_from_kept_handles(send: Sender) {
    wasm_bindgen_futures::spawn_local(async move {
        let kept = handles::kept().await;
        let names: Vec<String> = kept.iter().map(|handle| handle.name()).collect();
        let readable = handles::readable(kept).await;
        if readable.is_empty() {
            if !names.is_empty() {
                send(Event::DroppedBefore(names));
            }
            return;
        }
        let picked = handles::files_under(readable).await;
        send(Event::Resumed(picked));
    });
}

/// The action of the button a click landed in (inputs, such as the duplicates checkbox, speak
/// through their own `change`).
fn clicked_action(event: &DomEvent) -> Option<Action> {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-action]").ok().flatten())
        .filter(|el| el.tag_name() != "INPUT")
        .and_then(|el| el.get_attribute("data-action"))
        .and_then(|attribute| Action::parse(&attribute))
}

/// A click on a `data-action` button inside `container` becomes `Event::Control`.
fn wire_actions(container: &web_sys::Element, send: &Sender) -> Result<(), JsValue> {
    let target = send.clone();
    listen(container, "click", move |event: DomEvent| {
        if let Some(action) = clicked_action(&event) {
            event.prevent_default();
            target(Event::Control(action));
        }
    })
}

fn wire_dom(view: &view::View, send: &Sender) -> Result<(), JsValue> {
    for input in [&view.files_input, &view.folder_input] {
        let target = send.clone();
        let picked = input.clone();
        listen(input, "change", move |_: DomEvent| {
            if let Some(files) = picked.files() {
                target(Event::Picked(intake::from_file_list(&files)));
            }
            // Let the same files be picked again later.
            picked.set_value("");
        })?;
    }
    wire_actions(&view.drop_zone, send)?;
    let zone = view.drop_zone.clone();
    listen(&view.drop_zone, "dragover", move |event: DragEvent| {
        event.prevent_default();
        let _ = zone.class_list().add_1("over");
    })?;
    let zone = view.drop_zone.clone();
    listen(&view.drop_zone, "dragleave", move |_: DragEvent| {
        let _ = zone.class_list().remove_1("over");
    })?;
    let target = send.clone();
    let zone = view.drop_zone.clone();
    listen(&view.drop_zone, "drop", move |event: DragEvent| {
        event.prevent_default();
        let _ = zone.class_list().remove_1("over");
        if let Some(transfer) = event.data_transfer() {
            intake::from_drop(transfer, target.clone());
        }
    })?;
    let target = send.clone();
    listen(&view.hide_button, "click", move |_: DomEvent| {
        target(Event::ToggleExpanded)
    })?;
    wire_actions(&view.controls, send)?;
    wire_actions(&view.page_changed.container, send)?;
    let target = send.clone();
    listen(&view.controls, "change", move |event: DomEvent| {
        let checkbox = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|el| {
                el.get_attribute("data-action").as_deref()
                    == Some(Action::UploadDuplicates.as_str())
            });
        if let Some(checkbox) = checkbox {
            target(Event::SetUploadDuplicates(checkbox.checked()));
        }
    })?;
    let target = send.clone();
    listen(&view.rows_viewport, "scroll", move |_: DomEvent| {
        target(Event::Scrolled)
    })?;
    wire_keyboard_list(view, send)?;
    wire_layout(view, send)?;
    Ok(())
}

/// The file list by keyboard: the arrow keys, Home, End and Page Up/Down go from row to row; a
/// row that gets focus (by keyboard or a click) is shown whole in the detail.
fn wire_keyboard_list(view: &view::View, send: &Sender) -> Result<(), JsValue> {
    let target = send.clone();
    listen(
        &view.rows_viewport,
        "keydown",
        move |event: web_sys::KeyboardEvent| {
            let key = event.key();
            let ours = matches!(
                key.as_str(),
                "ArrowDown" | "ArrowUp" | "Home" | "End" | "PageDown" | "PageUp"
            );
            if ours && !event.alt_key() && !event.ctrl_key() && !event.meta_key() {
                event.prevent_default();
                target(Event::ListKey(key));
            }
        },
    )?;
    let target = send.clone();
    listen(&view.rows_viewport, "focusin", move |event: DomEvent| {
        let position = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-testid=photolift-file]").ok().flatten())
            .and_then(|row| row.get_attribute("aria-posinset"))
            .and_then(|p| p.parse::<usize>().ok());
        if let Some(position) = position {
            target(Event::RowFocused(position));
        }
    })?;
    Ok(())
}

/// A drag in progress: the last pointer position on the screen (the frame moves under the
/// pointer, so client coordinates would not do) and whether it moved at all.
#[derive(Default, Clone, Copy)]
struct Drag {
    pointer: Option<i32>,
    x: i32,
    y: i32,
    moved: bool,
}

/// Moving and resizing: dragging the bar (or the move handle) moves the panel, dragging the
/// corner grip resizes it, the arrow keys on either do the same by steps, and a click on the
/// move handle docks it in the next corner. The content script owns the frame and does it.
fn wire_layout(view: &view::View, send: &Sender) -> Result<(), JsValue> {
    use crate::protocol::ToPage;
    use std::cell::Cell;
    let step = |event: &web_sys::KeyboardEvent| -> Option<(f64, f64)> {
        let by = if event.shift_key() { 80.0 } else { 16.0 };
        match event.key().as_str() {
            "ArrowLeft" => Some((-by, 0.0)),
            "ArrowRight" => Some((by, 0.0)),
            "ArrowUp" => Some((0.0, -by)),
            "ArrowDown" => Some((0.0, by)),
            _ => None,
        }
    };
    type Make = fn(f64, f64) -> ToPage;
    let parts: [(web_sys::Element, Make); 2] = [
        (view.bar.clone(), |dx, dy| ToPage::MovePanel { dx, dy }),
        (view.grip.clone(), |dw, dh| ToPage::ResizePanel { dw, dh }),
    ];
    let move_moved = Rc::new(Cell::new(false));
    let move_pressed = Rc::new(Cell::new(false));
    for (part, make) in parts {
        let drag = Rc::new(Cell::new(Drag::default()));
        let (state, element) = (drag.clone(), part.clone());
        let is_bar = part == view.bar;
        let moved_flag = move_moved.clone();
        let pressed_flag = move_pressed.clone();
        listen(&part, "pointerdown", move |event: web_sys::PointerEvent| {
            let pressed = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let on_other_button = pressed
                .as_ref()
                .and_then(|el| el.closest("button:not(.move)").ok().flatten())
                .is_some();
            if event.button() != 0 || (is_bar && on_other_button) {
                return;
            }
            if is_bar {
                let on_move = pressed
                    .and_then(|el| el.closest(".move").ok().flatten())
                    .is_some();
                pressed_flag.set(on_move);
            }
            let _ = element.set_pointer_capture(event.pointer_id());
            let _ = element.class_list().add_1("dragging");
            if is_bar {
                moved_flag.set(false);
            }
            state.set(Drag {
                pointer: Some(event.pointer_id()),
                x: event.screen_x(),
                y: event.screen_y(),
                moved: false,
            });
        })?;
        let (state, target) = (drag.clone(), send.clone());
        let moved_flag = move_moved.clone();
        listen(&part, "pointermove", move |event: web_sys::PointerEvent| {
            let mut d = state.get();
            if d.pointer != Some(event.pointer_id()) {
                return;
            }
            let (dx, dy) = (event.screen_x() - d.x, event.screen_y() - d.y);
            if dx == 0 && dy == 0 {
                return;
            }
            d.x = event.screen_x();
            d.y = event.screen_y();
            d.moved = true;
            state.set(d);
            if is_bar {
                moved_flag.set(true);
            }
            target(Event::Layout(make(f64::from(dx), f64::from(dy))));
        })?;
        for end in ["pointerup", "pointercancel", "lostpointercapture"] {
            let (state, element) = (drag.clone(), part.clone());
            listen(&part, end, move |_: web_sys::PointerEvent| {
                let mut d = state.get();
                d.pointer = None;
                state.set(d);
                let _ = element.class_list().remove_1("dragging");
            })?;
        }
    }
    for (control, make) in [
        (
            view.move_button.clone(),
            (|dx, dy| ToPage::MovePanel { dx, dy }) as Make,
        ),
        (view.grip.clone(), |dw, dh| ToPage::ResizePanel { dw, dh }),
    ] {
        let target = send.clone();
        listen(&control, "keydown", move |event: web_sys::KeyboardEvent| {
            if let Some((x, y)) = step(&event) {
                event.prevent_default();
                target(Event::Layout(make(x, y)));
            }
        })?;
    }
    // Enter or Space on the move handle docks the panel in the next corner.
    let target = send.clone();
    listen(
        &view.move_button,
        "keydown",
        move |event: web_sys::KeyboardEvent| {
            if matches!(event.key().as_str(), "Enter" | " ") {
                event.prevent_default();
                target(Event::Layout(ToPage::DockPanel));
            }
        },
    )?;
    // So does a press on it that did not drag. (Not `click`: the bar holds the pointer capture,
    // so the click goes to the bar.)
    let target = send.clone();
    let handle = view.move_button.clone();
    listen(
        &view.bar,
        "pointerup",
        move |event: web_sys::PointerEvent| {
            let on_handle = move_pressed.get();
            move_pressed.set(false);
            if on_handle && !move_moved.get() && event.button() == 0 && handle.is_connected() {
                target(Event::Layout(ToPage::DockPanel));
            }
        },
    )?;
    // The pointer over the panel or not: the content script keeps the frame still meanwhile (the
    // page around cannot tell: the frame is another process's).
    if let Some(root) = gloo::utils::document().document_element() {
        for (kind, inside) in [("mouseenter", true), ("mouseleave", false)] {
            let target = send.clone();
            listen(&root, kind, move |_: web_sys::MouseEvent| {
                target(Event::Layout(ToPage::PointerOver { inside }));
            })?;
        }
    }
    Ok(())
}

/// The verified connection to the content script: its messages become events from now on.
fn wire_page(send: &Sender, port: web_sys::MessagePort) {
    let messages = send.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        messages(Event::Page(event.data()));
    });
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    send(Event::Connected(port));
}
