//! One panel uploads at a time. Every iCloud Photos tab gets a panel, and they share one journal
//! and one set of kept handles: two panels resuming the same interrupted upload would send every
//! photo twice. The extension's service worker says whose turn it is (`extension/panel-turn.js`:
//! the first panel to ask, for as long as its page lives); a panel in another tab says so and
//! takes over by itself once that page is gone. (Web Locks would do, but the browser denies them
//! to this frame, as it denies it storage.) Firefox's background page cannot see whether a panel
//! lives, so there the turn is a lease the uploading panel renews every second.

use super::background;
use super::dom;
use crate::protocol::{FromBackground, ToBackground};
use crate::web::i18n::text;
use wasm_bindgen::prelude::*;

/// How often a waiting panel asks again.
const ASK_EVERY_MS: i32 = 1_000;
/// Failed asks before the waiting message shows: a reloading tab's old panel may linger a moment.
const QUIET_ASKS: u32 = 2;

/// Waits until it is this panel's turn. Meanwhile `#photolift-root` says why; the message is
/// removed before returning. Without a background to ask, returns at once.
pub async fn wait_for_turn(root: &web_sys::Element) -> Result<(), JsValue> {
    if !background::reachable() {
        return Ok(());
    }
    let mut waiting: Option<web_sys::Element> = None;
    let mut asks = 0;
    loop {
        match my_turn().await {
            Ok(true) => break,
            Ok(false) => {}
            Err(error) => {
                // Better two panels than none: the journal still keeps each photo once per panel.
                web_sys::console::warn_2(&"photolift: whose turn is unknown".into(), &error);
                break;
            }
        }
        asks += 1;
        if asks == QUIET_ASKS {
            let message = dom::text_element("p", "elsewhere", &text("panel_elsewhere", &[]))?;
            message.set_attribute("data-testid", "photolift-elsewhere")?;
            message.set_attribute("role", "status")?;
            root.append_child(&message)?;
            waiting = Some(message);
        }
        background::sleep(ASK_EVERY_MS).await;
    }
    if let Some(message) = waiting {
        message.remove();
    }
    if background::by_messaging() {
        wasm_bindgen_futures::spawn_local(renew_lease());
    }
    Ok(())
}

/// Keeps the turn for as long as this panel lives (Firefox): it lapses when the renewals stop.
async fn renew_lease() {
    loop {
        background::sleep(ASK_EVERY_MS).await;
        match my_turn().await {
            Ok(true) => {}
            Ok(false) => web_sys::console::warn_1(&"photolift: another panel took the turn".into()),
            Err(error) => web_sys::console::warn_2(&"photolift: renewing the turn".into(), &error),
        }
    }
}

async fn my_turn() -> Result<bool, JsValue> {
    match background::ask(&ToBackground::TakeTurn, None).await?.0 {
        FromBackground::Turn { granted } => Ok(granted),
        other => Err(format!("unexpected answer to take-turn: {other:?}").into()),
    }
}
