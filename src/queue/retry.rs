//! When to hand a file to the page again after a failed upload, and when to stop.

use serde::{Deserialize, Serialize};

/// Exponential backoff: `base`, `2×base`, `4×base`, … capped at `cap`.
///
/// Waiting grows because the usual causes (server busy, session hiccup, network drop) last longer
/// than one batch; the cap keeps a long queue from sleeping for minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
}

impl RetryPolicy {
    /// Whether a file that failed after `attempts` hand-offs may be handed to the page again.
    pub fn may_retry(&self, attempts: u32) -> bool {
        attempts < self.max_attempts
    }

    /// How long to wait after the `attempts`-th hand-off failed (`attempts` ≥ 1).
    pub fn backoff_ms(&self, attempts: u32) -> u64 {
        let doublings = attempts.saturating_sub(1).min(63);
        let factor = 1u64 << doublings;
        self.backoff_base_ms
            .saturating_mul(factor)
            .min(self.backoff_cap_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        backoff_base_ms: 2_000,
        backoff_cap_ms: 60_000,
    };

    #[test]
    fn backoff_doubles_from_the_base() {
        assert_eq!(POLICY.backoff_ms(1), 2_000);
        assert_eq!(POLICY.backoff_ms(2), 4_000);
        assert_eq!(POLICY.backoff_ms(3), 8_000);
        assert_eq!(POLICY.backoff_ms(5), 32_000);
    }

    #[test]
    fn backoff_stops_at_the_cap_and_never_overflows() {
        assert_eq!(POLICY.backoff_ms(6), 60_000);
        assert_eq!(POLICY.backoff_ms(200), 60_000);
        assert_eq!(POLICY.backoff_ms(u32::MAX), 60_000);
    }

    #[test]
    fn retries_stop_at_max_attempts() {
        assert!(POLICY.may_retry(1));
        assert!(POLICY.may_retry(2));
        assert!(!POLICY.may_retry(3));
    }
}
