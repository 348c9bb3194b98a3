//! What the panel decides without a browser: the values of its test contract (`data-state`,
//! `data-action`), what a row and the summary show, which dropped names are skipped at intake, and
//! the plan's configuration from the user's settings. The wasm32 shell (`web::panel`) only puts
//! these on the page; here they are tested natively.

mod action;
mod intake;
mod news;
mod settings;
mod state;
pub mod upload_memory;
mod web_image;

pub use action::Action;
pub use intake::skipped_by_name;
pub use news::{Badge, News, Notice, Say, Snapshot, Wait};
pub use settings::{Settings, BATCH_SIZE_RANGE, MAX_ATTEMPTS_RANGE, QUALITY_RANGE};
pub use state::{row_state, PanelState, RowMessage};
pub use web_image::{web_image_intake, web_image_name, WebImageIntake};
