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
    /// Twice the batch size lets the next batch get ready while one uploads.
    pub convert_ahead: usize,
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

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig {
            batch_size: 20,
            convert_ahead: 40,
            max_converting: 2,
            max_attempts: 3,
            backoff_base_ms: 2_000,
            backoff_cap_ms: 60_000,
            upload_timeout_ms: 120_000,
            upload_duplicates: false,
        }
    }
}

impl PlanConfig {
    /// Refuses settings under which the plan could never move (a zero batch or window).
    pub fn validate(&self) -> Result<(), QueueError> {
        let problem = if self.batch_size == 0 {
            Some("batch_size must be at least 1")
        } else if self.convert_ahead == 0 {
            Some("convert_ahead must be at least 1")
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
        assert_eq!(config.convert_ahead, 2 * config.batch_size);
        assert_eq!(config.max_attempts, 3);
        assert_eq!(config.upload_timeout_ms, 120_000);
        assert!(config.validate().is_ok());
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
