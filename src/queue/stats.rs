//! Throughput for the panel: photos per minute, bytes per second, time left.

use serde::{Deserialize, Serialize};

use super::plan::UploadPlan;

/// Rates count what the page confirmed since the plan started; sizes are those of the original
/// files, so "bytes left" and the ETA speak about the pile the user dropped. Time spent paused
/// counts as elapsed: the rates are what the user saw happen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub elapsed_ms: u64,
    pub uploaded_files: usize,
    pub uploaded_bytes: u64,
    pub photos_per_minute: f64,
    pub bytes_per_second: f64,
    /// Files not uploaded, skipped or failed yet.
    pub remaining_files: usize,
    pub remaining_bytes: u64,
    /// `None` until something was uploaded to measure a rate from.
    pub eta_ms: Option<u64>,
}

impl Stats {
    pub fn from_plan(plan: &UploadPlan, now_ms: u64) -> Stats {
        let elapsed_ms = plan
            .started_ms()
            .map_or(0, |started| now_ms.saturating_sub(started));
        let (uploaded_files, uploaded_bytes) = plan.uploaded_this_session();
        let (remaining_files, remaining_bytes) = plan
            .files()
            .filter(|file| !file.state.is_final())
            .fold((0usize, 0u64), |(count, bytes), file| {
                (count + 1, bytes.saturating_add(file.size))
            });

        let (photos_per_minute, bytes_per_second) = if elapsed_ms == 0 {
            (0.0, 0.0)
        } else {
            let elapsed = elapsed_ms as f64;
            (
                uploaded_files as f64 * 60_000.0 / elapsed,
                uploaded_bytes as f64 * 1_000.0 / elapsed,
            )
        };

        // By bytes rather than by count: one 200 MP panorama takes longer than a screenshot.
        let eta_ms = if remaining_files == 0 {
            Some(0)
        } else if uploaded_bytes == 0 || elapsed_ms == 0 {
            None
        } else {
            let eta =
                u128::from(remaining_bytes) * u128::from(elapsed_ms) / u128::from(uploaded_bytes);
            Some(u64::try_from(eta).unwrap_or(u64::MAX))
        };

        Stats {
            elapsed_ms,
            uploaded_files,
            uploaded_bytes,
            photos_per_minute,
            bytes_per_second,
            remaining_files,
            remaining_bytes,
            eta_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::PlanConfig;

    const KEY_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn nothing_started_has_no_rate_and_no_eta() {
        let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
        plan.add_file("a.heic", 1_000, 0);
        let stats = Stats::from_plan(&plan, 5_000);
        assert_eq!(stats.elapsed_ms, 0);
        assert_eq!(stats.photos_per_minute, 0.0);
        assert_eq!(stats.remaining_files, 1);
        assert_eq!(stats.eta_ms, None);
    }

    #[test]
    fn rates_and_eta_follow_the_uploaded_bytes() {
        let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
        let a = plan.add_file("a.heic", 3_000_000, 0);
        plan.add_file("b.heic", 6_000_000, 0);
        assert_eq!(plan.next_to_convert(0), Some(a));
        plan.converted(a, KEY_A, 0).unwrap();
        assert_eq!(plan.next_batch(0), Some(vec![a]));
        plan.upload_succeeded(a, 30_000).unwrap();

        let stats = Stats::from_plan(&plan, 30_000);
        assert_eq!(stats.uploaded_files, 1);
        assert_eq!(stats.photos_per_minute, 2.0);
        assert_eq!(stats.bytes_per_second, 100_000.0);
        assert_eq!(stats.remaining_bytes, 6_000_000);
        assert_eq!(stats.eta_ms, Some(60_000));
    }
}
