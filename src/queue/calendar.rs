//! Calendar dates from epoch milliseconds, for "already in iCloud Photos via photolift on
//! 2026-11-20". The plan has no clock and no time zone, so dates are UTC.

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn utc_date_from_ms(ms: u64) -> String {
    let days = (ms / 86_400_000) as i64;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
/// Howard Hinnant's `civil_from_days`, exact for the whole `u64` millisecond range we take.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
}
