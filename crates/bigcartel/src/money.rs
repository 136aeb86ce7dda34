//! Exact money. The API sends amounts as decimal strings ("20.0"); models keep that text, and
//! this module does exact arithmetic on it in integer minor units, never binary floating point.

pub use bigcartel_jsonapi::lenient::is_decimal;

/// Error from [`to_minor_units`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// Not a decimal amount.
    #[error("`{0}` is not a decimal amount")]
    NotDecimal(String),
    /// More fractional digits than the currency has, and they are not zeros.
    #[error("`{0}` has more than {1} significant fractional digits")]
    TooPrecise(String, u32),
    /// Does not fit in 64 bits of minor units.
    #[error("`{0}` is too large")]
    Overflow(String),
}

/// Converts an amount to integer minor units (cents for 2 digits), exactly.
///
/// ```
/// use bigcartel::money::to_minor_units;
/// assert_eq!(to_minor_units("20.0", 2), Ok(2000));
/// assert_eq!(to_minor_units("18.5", 2), Ok(1850));
/// assert_eq!(to_minor_units("0.10", 2), Ok(10));
/// assert!(to_minor_units("0.105", 2).is_err());
/// ```
pub fn to_minor_units(amount: &str, digits: u32) -> Result<i64, MoneyError> {
    if !is_decimal(amount) {
        return Err(MoneyError::NotDecimal(amount.to_string()));
    }
    let (neg, s) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac = frac.trim_end_matches('0');
    if frac.len() > digits as usize {
        return Err(MoneyError::TooPrecise(amount.to_string(), digits));
    }
    let overflow = || MoneyError::Overflow(amount.to_string());
    let mut units: i64 = int.parse().map_err(|_| overflow())?;
    units = units.checked_mul(10i64.pow(digits)).ok_or_else(overflow)?;
    if !frac.is_empty() {
        let f: i64 = frac.parse().map_err(|_| overflow())?;
        units = units
            .checked_add(f * 10i64.pow(digits - frac.len() as u32))
            .ok_or_else(overflow)?;
    }
    Ok(if neg { -units } else { units })
}

/// Formats integer minor units as a decimal amount with `digits` fractional digits.
///
/// ```
/// assert_eq!(bigcartel::money::from_minor_units(1850, 2), "18.50");
/// assert_eq!(bigcartel::money::from_minor_units(-5, 2), "-0.05");
/// ```
pub fn from_minor_units(units: i64, digits: u32) -> String {
    let scale = 10u64.pow(digits);
    let abs = units.unsigned_abs();
    let sign = if units < 0 { "-" } else { "" };
    if digits == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}
