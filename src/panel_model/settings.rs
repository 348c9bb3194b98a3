//! What the user (or a test) may set in `chrome.storage.local` under `photolift.settings`, and the
//! plan's configuration that follows from it.

use serde::{Deserialize, Serialize};

use crate::queue::PlanConfig;

/// What the user (or a test) may set; everything has a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub batch_size: usize,
    pub upload_timeout_ms: u64,
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub upload_duplicates: bool,
    pub quality: u8,
    pub date_rescue: bool,
    /// Keep an iPhone photo's HDR gain map in the JPEG (ISO 21496-1); on unless turned off.
    pub hdr_gain_map: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        let plan = PlanConfig::default();
        Settings {
            batch_size: plan.batch_size,
            upload_timeout_ms: plan.upload_timeout_ms,
            max_attempts: plan.max_attempts,
            backoff_base_ms: plan.backoff_base_ms,
            upload_duplicates: false,
            quality: 92,
            date_rescue: true,
            hdr_gain_map: true,
        }
    }
}

/// The range of each setting the options page offers (and what stored values are held to).
pub const QUALITY_RANGE: std::ops::RangeInclusive<u8> = 50..=100;
pub const BATCH_SIZE_RANGE: std::ops::RangeInclusive<usize> = 1..=100;
pub const MAX_ATTEMPTS_RANGE: std::ops::RangeInclusive<u32> = 1..=10;

impl Settings {
    /// The settings with each number held inside the range the options page offers, so a hand-
    /// edited or damaged value never reaches the encoder or the plan.
    pub fn sanitized(mut self) -> Settings {
        self.quality = self
            .quality
            .clamp(*QUALITY_RANGE.start(), *QUALITY_RANGE.end());
        self.batch_size = self
            .batch_size
            .clamp(*BATCH_SIZE_RANGE.start(), *BATCH_SIZE_RANGE.end());
        self.max_attempts = self
            .max_attempts
            .clamp(*MAX_ATTEMPTS_RANGE.start(), *MAX_ATTEMPTS_RANGE.end());
        self
    }

    pub fn plan_config(&self, workers: usize) -> PlanConfig {
        let defaults = PlanConfig::default();
        PlanConfig {
            batch_size: self.batch_size.max(1),
            convert_ahead: PlanConfig::convert_ahead_files(self.batch_size, workers),
            max_converting: workers.max(1),
            max_attempts: self.max_attempts.max(1),
            backoff_base_ms: self.backoff_base_ms,
            upload_timeout_ms: self.upload_timeout_ms.max(1_000),
            upload_duplicates: self.upload_duplicates,
            ..defaults
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_settings_take_defaults_for_what_they_lack() {
        let settings: Settings = serde_json::from_str(r#"{"batchSize": 5}"#).unwrap();
        assert_eq!(settings.batch_size, 5);
        assert_eq!(settings.quality, 92);
        assert!(settings.date_rescue && settings.hdr_gain_map);
        assert!(!settings.upload_duplicates);
    }

    #[test]
    fn the_plan_config_is_always_valid_and_bounds_memory_by_the_batch() {
        let config = Settings::default().plan_config(3);
        assert_eq!(config.batch_size, 20);
        assert_eq!(config.max_converting, 3);
        assert_eq!(config.convert_ahead, 2 * 20 + 3);
        assert!(config.validate().is_ok());
        let zeros = Settings {
            batch_size: 0,
            upload_timeout_ms: 0,
            max_attempts: 0,
            ..Settings::default()
        };
        let config = zeros.plan_config(0);
        assert!(config.validate().is_ok(), "{config:?}");
        assert_eq!(config.upload_timeout_ms, 1_000);
    }

    #[test]
    fn sanitized_settings_stay_in_the_options_ranges() {
        let wild = Settings {
            quality: 0,
            batch_size: 10_000,
            max_attempts: 0,
            ..Settings::default()
        }
        .sanitized();
        assert_eq!(
            (wild.quality, wild.batch_size, wild.max_attempts),
            (50, 100, 1)
        );
        let fine = Settings {
            quality: 70,
            ..Settings::default()
        };
        assert_eq!(fine.clone().sanitized().quality, 70);
        assert_eq!(Settings::default().sanitized().batch_size, 20);
    }
}
