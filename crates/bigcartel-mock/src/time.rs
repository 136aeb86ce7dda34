//! Timestamps: milliseconds since the Unix epoch, rendered as RFC 3339 UTC
//! strings with millisecond precision (`2014-12-25T00:00:00.000Z`, the shape
//! the Big Cartel docs show).
//!
//! The mock keeps a *logical* clock (see [`crate::Store::now`]) so that the
//! same seed and the same requests produce byte-identical responses.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// The instant the seeded shop considers "now" before any write:
/// 2025-06-01T12:00:00.000Z.
pub const SEED_NOW: Millis = 1_748_779_200_000;

/// One day in milliseconds.
pub const DAY: Millis = 86_400_000;

/// Formats `ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// ```
/// assert_eq!(bigcartel_mock::time::format(0), "1970-01-01T00:00:00.000Z");
/// assert_eq!(bigcartel_mock::time::format(bigcartel_mock::time::SEED_NOW), "2025-06-01T12:00:00.000Z");
/// ```
pub fn format(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Parses an RFC 3339 timestamp (`2025-01-02T03:04:05Z`, optional fraction,
/// `Z` or `±HH:MM` offset) or a bare date (`2025-01-02`, midnight UTC).
/// Returns `None` for anything else; never panics.
///
/// ```
/// use bigcartel_mock::time::{parse, format};
/// assert_eq!(parse("2025-06-01T12:00:00Z").map(format).as_deref(), Some("2025-06-01T12:00:00.000Z"));
/// assert_eq!(parse("2025-06-01T14:00:00.5+02:00").map(format).as_deref(), Some("2025-06-01T12:00:00.500Z"));
/// assert_eq!(parse("2025-06-01"), parse("2025-06-01T00:00:00Z"));
/// assert_eq!(parse("yesterday"), None);
/// ```
pub fn parse(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date_ms = days_from_civil(year, month, day) * DAY;
    if b.len() == 10 {
        return Some(date_ms);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let second = num(17, 2)?;
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &b[start..i];
        for (k, place) in [100, 10, 1].iter().enumerate() {
            if let Some(d) = digits.get(k) {
                frac_ms += i64::from(d - b'0') * place;
            }
        }
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let oh = num(i + 1, 2)?;
            let om = num(i + 4, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let total = oh * 60 + om;
            if *sign == b'+' { total } else { -total }
        }
        _ => return None,
    };
    Some(date_ms + ((hour * 60 + minute - offset_min) * 60 + second) * 1000 + frac_ms)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_many_days() {
        for day in (-700_000..2_900_000).step_by(997) {
            let ms = day * DAY + 12_345;
            assert_eq!(parse(&format(ms)), Some(ms), "{}", format(ms));
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2025",
            "2025-13-01",
            "2025-02-30",
            "2025-01-01T25:00:00Z",
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:00+0200",
            "2025-01-01T00:00:00.Z",
            "２０２５-01-01",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
