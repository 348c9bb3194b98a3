//! photolift: converts photos to JPEG and drives iCloud Photos' own upload, in the browser.
//!
//! Arrows run one way: `web → queue → convert`, and `web → protocol`. `convert` and `queue` are
//! pure (no browser, no I/O, no clock) so they are tested natively; `protocol` is the typed shape
//! of every message between the extension's contexts; `web` is the wasm32 shell around them.
//! `panel_model` is what the panel decides without a browser (its test contract's values, the
//! plan's configuration from the settings), tested natively. `words` is the one place where a reason (a typed value in the cores) becomes a sentence, through
//! the messages of `extension/_locales`.

mod calendar;
pub mod convert;
pub mod panel_model;
pub mod protocol;
pub mod queue;
pub mod words;

#[cfg(target_arch = "wasm32")]
mod web;
