//! The upload plan: per-file state machine, batching, retry with backoff, duplicate keys and the
//! resume journal.
//!
//! Pure: no browser, no I/O, no clock. The web shell passes the time in as `now_ms` and reports
//! what workers and the page did; the plan answers what to do next.

mod batch;
mod batch_names;
mod calendar;
mod config;
mod duplicates;
mod error;
mod journal;
pub mod memory;
mod plan;
mod report;
mod retry;
mod state;
mod stats;

pub use batch::BatchInFlight;
pub use batch_names::BatchNames;
pub use calendar::utc_date_from_ms;
pub use config::{memory_estimate, PlanConfig, MAX_CONVERT_INPUT_BYTES, READ_CHUNK_BYTES};
pub use duplicates::normalise_content_key;
pub use error::QueueError;
pub use journal::{compact_journal, JournalEntry, JournalFold};
pub use plan::{
    KeyCheck, PlanState, ResumeState, Summary, UploadPlan, ALREADY_THERE_NOTE,
    CANCELLED_IN_FLIGHT_REASON, CANCELLED_REASON,
};
pub use report::{csv_field, report_csv, report_json, report_rows, ReportRow};
pub use retry::RetryPolicy;
pub use state::{FileId, FileState, PlannedFile};
pub use stats::Stats;
