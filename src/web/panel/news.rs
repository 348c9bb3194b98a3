//! Word for a user who is elsewhere (`panel_model::News` decides): the toolbar badge and system
//! notifications, in the user's words (`badge_…` and `notify_…` in `_locales`, numbers as the
//! browser's language writes them), sent to the background (`extension/news.js`), which only
//! applies them.

use super::background;
use super::page_session::PageSession;
use super::present::panel_state;
use crate::panel_model::{Badge, News, Notice, Say, Snapshot, Wait};
use crate::protocol::{PageStatus, ToBackground};
use crate::queue::{Reason, UploadPlan};
use crate::web::i18n::text;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

// Badge colours, each with white text at a contrast of at least 4.5:1.
const BLUE: &str = "#1a5fb4";
const GREY: &str = "#5e5e5e";
const GREEN: &str = "#1b7a34";
const ORANGE: &str = "#a34a00";
/// Above this the badge (four characters at most) says "999+".
const BADGE_MAX: usize = 999;

/// The panel's news and the requests on their way to the background, in order.
pub struct NewsShell {
    news: News,
    outbox: Rc<RefCell<Outbox>>,
}

/// Where the panel's records stand in storage, as the news tells it.
#[derive(Debug, Clone, Copy)]
pub struct StorageNow {
    /// Writes on their way: a finished upload is not "done" until they land.
    pub saving: bool,
    /// Storage refused a write; the queue waits for the user.
    pub failed: bool,
}

#[derive(Default)]
struct Outbox {
    queue: VecDeque<ToBackground>,
    sending: bool,
}

impl NewsShell {
    pub fn new() -> NewsShell {
        NewsShell {
            news: News::new(),
            outbox: Rc::new(RefCell::new(Outbox::default())),
        }
    }

    /// Tells the news what the panel shows now.
    pub fn show(&mut self, plan: &UploadPlan, page: &PageSession, storage: StorageNow) {
        let s = plan.summary();
        let state = panel_state(plan, page, storage.saving);
        let cancelled = if state == crate::panel_model::PanelState::Done {
            plan.files()
                .filter(|f| {
                    matches!(
                        f.reason,
                        Some(Reason::Cancelled | Reason::CancelledInFlight)
                    )
                })
                .count()
        } else {
            0
        };
        let waits_for = if page.changed().is_some() {
            Some(Wait::PageChanged)
        } else if storage.failed {
            Some(Wait::StorageFailed)
        } else {
            match page.status() {
                PageStatus::SignedOut => Some(Wait::SignedOut),
                PageStatus::NoWebAccess => Some(Wait::NoWebAccess),
                PageStatus::Outdated => Some(Wait::Outdated),
                PageStatus::Ready | PageStatus::Loading | PageStatus::OtherView => None,
            }
        };
        let snapshot = Snapshot {
            state,
            total: s.total,
            uploaded: s.uploaded,
            skipped: s.skipped,
            failed: s.failed,
            cancelled,
            waits_for,
        };
        let says = self.news.update(&snapshot);
        post(&self.outbox, says);
    }
}

/// Queues the requests for `says` and sends them one after another (a notification must not
/// overtake the withdrawal of the one before).
fn post(outbox: &Rc<RefCell<Outbox>>, says: Vec<Say>) {
    if says.is_empty() || !background::reachable() {
        return;
    }
    let start = {
        let mut out = outbox.borrow_mut();
        out.queue.extend(says.into_iter().map(request));
        !std::mem::replace(&mut out.sending, true)
    };
    if start {
        let outbox = outbox.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = outbox.borrow_mut().queue.pop_front();
                let Some(message) = next else {
                    outbox.borrow_mut().sending = false;
                    break;
                };
                if let Err(error) = background::ask(&message, None).await {
                    web_sys::console::warn_2(&"photolift: toolbar news".into(), &error);
                }
            }
        });
    }
}

/// `n` as the browser's language writes numbers.
fn number(n: usize) -> String {
    crate::web::i18n::number(n as u64)
}

fn request(say: Say) -> ToBackground {
    match say {
        Say::Badge(badge) => {
            let (text, color, title) = badge_words(badge);
            ToBackground::SetBadge {
                text,
                color: color.into(),
                title,
                until_seen: badge.until_seen(),
            }
        }
        Say::Notify(notice) => {
            let (title, message) = notice_words(notice);
            ToBackground::Notify { title, message }
        }
        Say::Withdraw => ToBackground::WithdrawNotification,
    }
}

fn badge_words(badge: Badge) -> (String, &'static str, String) {
    let percent = |p: u8| text("badge_progress", &[&number(p.into())]);
    match badge {
        Badge::None => (String::new(), GREY, text("action_title", &[])),
        Badge::Progress {
            percent: p,
            done,
            of,
        } => (
            percent(p),
            BLUE,
            text("badge_title_progress", &[&number(done), &number(of)]),
        ),
        Badge::Paused {
            percent: p,
            done,
            of,
        } => (
            percent(p),
            GREY,
            text("badge_title_paused", &[&number(done), &number(of)]),
        ),
        Badge::Waits(wait) => (text("badge_waits", &[]), ORANGE, wait_words(wait, 0, 0).0),
        Badge::AllDone { uploaded } => (
            text("badge_done", &[]),
            GREEN,
            text("badge_title_done", &[&number(uploaded)]),
        ),
        Badge::NeedsLook { failed } => {
            let count = if failed > BADGE_MAX {
                text("badge_more_than", &[&number(BADGE_MAX)])
            } else {
                number(failed)
            };
            (
                count,
                ORANGE,
                text("badge_title_failed", &[&number(failed)]),
            )
        }
    }
}

fn notice_words(notice: Notice) -> (String, String) {
    match notice {
        Notice::Finished {
            uploaded,
            skipped: 0,
        } => (
            text("notify_done_title", &[]),
            text("notify_done_body", &[&number(uploaded)]),
        ),
        Notice::Finished { uploaded, skipped } => (
            text("notify_done_title", &[]),
            text(
                "notify_done_skipped_body",
                &[&number(uploaded), &number(skipped)],
            ),
        ),
        Notice::FinishedWithFailures { uploaded, failed } => (
            text("notify_failed_title", &[]),
            text("notify_failed_body", &[&number(uploaded), &number(failed)]),
        ),
        Notice::Waits { wait, done, of } => wait_words(wait, done, of),
    }
}

/// A wait's title and body (the body with how far the run got).
fn wait_words(wait: Wait, done: usize, of: usize) -> (String, String) {
    let (title, body) = match wait {
        Wait::SignedOut => ("notify_signed_out_title", "notify_signed_out_body"),
        Wait::NoWebAccess => ("notify_no_web_access_title", "notify_no_web_access_body"),
        Wait::Outdated => ("notify_outdated_title", "notify_outdated_body"),
        Wait::StorageFailed => ("notify_storage_failed_title", "notify_storage_failed_body"),
        Wait::PageChanged => ("notify_page_changed_title", "notify_page_changed_body"),
    };
    (text(title, &[]), text(body, &[&number(done), &number(of)]))
}
