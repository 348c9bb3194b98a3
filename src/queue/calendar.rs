//! Calendar dates from epoch milliseconds, for "already in iCloud Photos via photolift on
//! 2026-11-20". The plan has no clock and no time zone, so dates are UTC.

use crate::calendar::{civil_from_days, days_from_civil};

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn utc_date_from_ms(ms: u64) -> String {
    let days = (ms / 86_400_000) as i64;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Unix time in milliseconds of midnight (UTC) of a `YYYY-MM-DD` date, the inverse of
/// [`utc_date_from_ms`] for the dates it writes. `None` for anything else or before 1970.
pub fn utc_ms_from_date(date: &str) -> Option<u64> {
    let mut parts = date.splitn(3, '-');
    let mut number = |digits: usize| {
        parts
            .next()
            .filter(|part| part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse::<u32>().ok())
    };
    let (year, month, day) = (number(4)?, number(2)?, number(2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let ms = u64::try_from(days).ok()?.checked_mul(86_400_000)?;
    // 2026-02-31 is not a date: it would come back as March.
    (utc_date_from_ms(ms) == date).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(utc_date_from_ms(0), "1970-01-01");
        // 2026-11-20T12:00:00Z
        assert_eq!(utc_date_from_ms(1_795_176_000_000), "2026-11-20");
        // 2024-02-29T23:59:59.999Z, a leap day
        assert_eq!(utc_date_from_ms(1_709_251_199_999), "2024-02-29");
        assert_eq!(utc_date_from_ms(1_709_251_200_000), "2024-03-01");
    }

    #[test]
    fn dates_back_to_midnight() {
        assert_eq!(utc_ms_from_date("1970-01-01"), Some(0));
        // 2026-11-20T00:00:00Z
        assert_eq!(utc_ms_from_date("2026-11-20"), Some(1_795_132_800_000));
        assert_eq!(utc_ms_from_date("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(utc_ms_from_date("2000-03-01"), Some(951_868_800_000));
        for day in 0..800_u64 {
            let ms = 1_700_000_000_000 + day * 86_400_000;
            let midnight = ms - ms % 86_400_000;
            assert_eq!(utc_ms_from_date(&utc_date_from_ms(ms)), Some(midnight));
        }
        for bad in [
            "",
            "2026-11",
            "2026-11-20T00",
            "2026-13-01",
            "2026-02-30",
            "2026-1-05",
            "1969-12-31",
            "+026-11-20",
            "2026-11-2x",
        ] {
            assert_eq!(utc_ms_from_date(bad), None, "{bad}");
        }
    }
}
