//! The knobs of an upload plan.

use serde::{Deserialize, Serialize};

use super::error::QueueError;
use super::retry::RetryPolicy;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanConfig {
    /// Files handed to the page's upload input at once.
    pub batch_size: usize,
    /// Most files converted (or being converted) but not uploaded yet. Converted JPEGs live in
    /// memory until the page has them, so this bounds memory for drops of thousands of photos.
    /// See [`PlanConfig::convert_ahead_files`] for the rule the panel uses.
    pub convert_ahead: usize,
    /// Most bytes held by those files: converted JPEGs waiting for (or in) their upload, plus what
    /// the files being converted are expected to need (see [`memory_estimate`]). The window is
    /// never empty: one file may always go ahead, however big.
    pub convert_ahead_bytes: u64,
    /// Conversions running at once (the worker pool size).
    pub max_converting: usize,
    /// Hand-offs to the page per file before it is Failed.
    pub max_attempts: u32,
    /// Wait after the first failed hand-off; doubles per further failure.
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    /// How long the page may go without a sign of progress on a batch before its unfinished files
    /// count as failed tries.
    pub upload_timeout_ms: u64,
    /// Upload a photo even when the same bytes were uploaded before or appear twice in the drop.
    pub upload_duplicates: bool,
}

/// The largest file a conversion worker reads whole (into memory) to convert it. A larger file
/// that needs converting fails with a plain reason; a larger JPEG or video goes up unchanged, read
/// only in chunks for its hash.
pub const MAX_CONVERT_INPUT_BYTES: u64 = 512 * MIB;

/// The chunk in which a file that is not read whole is read (to hash it).
pub const READ_CHUNK_BYTES: u64 = 8 * MIB;

const MIB: u64 = 1024 * 1024;

/// What a file is expected to hold in memory while it is being converted, before its converter
/// says what it holds: its size when it can be read whole, one read chunk when it is too big for
/// that (it can only pass through unchanged, or fail).
pub fn memory_estimate(size: u64) -> u64 {
    if size > MAX_CONVERT_INPUT_BYTES {
        READ_CHUNK_BYTES
    } else {
        size
    }
}

impl Default for PlanConfig {
    fn default() -> Self {
        let batch_size = 20;
        let max_converting = 2;
        PlanConfig {
            batch_size,
            convert_ahead: PlanConfig::convert_ahead_files(batch_size, max_converting),
            convert_ahead_bytes: PlanConfig::CONVERT_AHEAD_BYTES,
            max_converting,
            max_attempts: 3,
            backoff_base_ms: 2_000,
            backoff_cap_ms: 60_000,
            upload_timeout_ms: 120_000,
            upload_duplicates: false,
        }
    }
}

impl PlanConfig {
    /// The byte bound of the convert-ahead window: about 40 converted 12-megapixel photos (3 to
    /// 4 MB each), so a drop of ordinary photos never waits on it, while big outputs (panoramas,
    /// 100 MP PNGs) are held to what fits.
    pub const CONVERT_AHEAD_BYTES: u64 = 160 * MIB;

    /// The one rule for the convert-ahead window in files: two batches (the one uploading and the
    /// next, ready when it ends) plus one per worker (converting meanwhile).
    pub fn convert_ahead_files(batch_size: usize, workers: usize) -> usize {
        batch_size.max(1) * 2 + workers.max(1)
    }

    /// Refuses settings under which the plan could never move (a zero batch or window).
    pub fn validate(&self) -> Result<(), QueueError> {
        let problem = if self.batch_size == 0 {
            Some("batch_size must be at least 1")
        } else if self.convert_ahead == 0 {
            Some("convert_ahead must be at least 1")
        } else if self.convert_ahead_bytes == 0 {
            Some("convert_ahead_bytes must be at least 1")
        } else if self.max_converting == 0 {
            Some("max_converting must be at least 1")
        } else if self.max_attempts == 0 {
            Some("max_attempts must be at least 1")
        } else if self.upload_timeout_ms == 0 {
            Some("upload_timeout_ms must be at least 1")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(QueueError::InvalidConfig(problem.to_string())),
            None => Ok(()),
        }
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts,
            backoff_base_ms: self.backoff_base_ms,
            backoff_cap_ms: self.backoff_cap_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_design() {
        let config = PlanConfig::default();
        assert_eq!(config.batch_size, 20);
        assert_eq!(
            config.convert_ahead,
            2 * config.batch_size + config.max_converting
        );
        assert_eq!(config.convert_ahead_bytes, 160 * 1024 * 1024);
        assert_eq!(config.max_attempts, 3);
        assert_eq!(config.upload_timeout_ms, 120_000);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn the_window_is_two_batches_plus_one_per_worker() {
        assert_eq!(PlanConfig::convert_ahead_files(20, 1), 41);
        assert_eq!(PlanConfig::convert_ahead_files(20, 4), 44);
        assert_eq!(PlanConfig::convert_ahead_files(0, 0), 3);
    }

    #[test]
    fn a_file_too_big_to_read_whole_counts_one_chunk() {
        assert_eq!(memory_estimate(3_000_000), 3_000_000);
        assert_eq!(
            memory_estimate(MAX_CONVERT_INPUT_BYTES),
            MAX_CONVERT_INPUT_BYTES
        );
        assert_eq!(memory_estimate(3 << 30), READ_CHUNK_BYTES);
    }

    #[test]
    fn zero_sizes_are_refused() {
        let config = PlanConfig {
            batch_size: 0,
            ..PlanConfig::default()
        };
        assert!(matches!(
            config.validate(),
            Err(QueueError::InvalidConfig(_))
        ));
    }

    #[test]
    fn missing_fields_take_defaults() {
        let config: PlanConfig = serde_json::from_str(r#"{"batch_size": 5}"#).unwrap();
        assert_eq!(config.batch_size, 5);
        assert_eq!(config.max_attempts, 3);
    }
}
