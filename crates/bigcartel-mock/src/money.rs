//! Money as integer cents, rendered as decimal strings (`"20.0"`, `"18.50"`).
//!
//! The mock never stores or emits a float for money.

use serde_json::Value;

/// Formats cents the way Big Cartel does: whole amounts as `"20.0"`, others
/// with two decimals (`"18.50"`), negative amounts with a leading `-`.
///
/// ```
/// use bigcartel_mock::money::format;
/// assert_eq!(format(2000), "20.0");
/// assert_eq!(format(1850), "18.50");
/// assert_eq!(format(5), "0.05");
/// assert_eq!(format(-250), "-2.50");
/// ```
pub fn format(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    if frac == 0 {
        format!("{sign}{whole}.0")
    } else {
        format!("{sign}{whole}.{frac:02}")
    }
}

/// Parses a decimal amount given as a JSON string or number into cents.
/// At most two significant decimals and 12 integer digits; `None` otherwise.
///
/// ```
/// use bigcartel_mock::money::parse_str;
/// assert_eq!(parse_str("18.5"), Some(1850));
/// assert_eq!(parse_str("-0.05"), Some(-5));
/// assert_eq!(parse_str("3.000"), Some(300));
/// assert_eq!(parse_str("3.001"), None);
/// assert_eq!(parse_str("1e3"), None);
/// ```
pub fn parse_str(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, f),
        None => (rest, ""),
    };
    if int.is_empty() || int.len() > 12 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if rest.contains('.') && frac.is_empty() {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 && frac[2..].bytes().any(|b| b != b'0') {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut cents = 0i64;
    for (k, place) in [10, 1].iter().enumerate() {
        if let Some(d) = frac.as_bytes().get(k) {
            cents += i64::from(d - b'0') * place;
        }
    }
    let v = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -v } else { v })
}

/// [`parse_str`] for a JSON value that is a string or a number.
pub fn parse(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_str(s),
        Value::Number(n) => parse_str(&n.to_string()),
        _ => None,
    }
}
