//! Calendar dates from epoch milliseconds, for "already in iCloud Photos via photolift on
//! 2026-11-20". The plan has no clock and no time zone, so dates are UTC.

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

/// Howard Hinnant's `days_from_civil`: a proleptic Gregorian date to days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_index = i64::from(if month > 2 { month - 3 } else { month + 9 });
    let day_of_year = (153 * month_index + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
