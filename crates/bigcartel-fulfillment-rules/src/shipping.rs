//! Shipping codes: Big Cartel has no shipping methods, so each order gets `DOMESTIC_DEFAULT` or
//! `INTERNATIONAL_DEFAULT` by destination country, and each code may map to a carrier service.

use std::collections::BTreeMap;

/// The code for orders shipped within the home country.
pub const DOMESTIC_DEFAULT: &str = "DOMESTIC_DEFAULT";
/// The code for orders shipped abroad.
pub const INTERNATIONAL_DEFAULT: &str = "INTERNATIONAL_DEFAULT";

/// Which of the two codes an order gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShippingCode {
    /// Destination is the home country.
    Domestic,
    /// Destination is any other country.
    International,
}

impl ShippingCode {
    /// `DOMESTIC_DEFAULT` or `INTERNATIONAL_DEFAULT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShippingCode::Domestic => DOMESTIC_DEFAULT,
            ShippingCode::International => INTERNATIONAL_DEFAULT,
        }
    }

    /// Parses a code name (exact, upper case).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            DOMESTIC_DEFAULT => Some(ShippingCode::Domestic),
            INTERNATIONAL_DEFAULT => Some(ShippingCode::International),
            _ => None,
        }
    }
}

impl std::fmt::Display for ShippingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why no shipping code could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShippingError {
    /// The order has no shipping country.
    #[error("the order has no shipping country")]
    MissingCountry,
    /// The country is not a 2-letter code.
    #[error("the shipping country {0:?} is not a 2-letter country code")]
    InvalidCountry(String),
}

/// A normalised ISO 3166-1 alpha-2 code (`us` and ` US ` become `US`).
///
/// ```
/// use bigcartel_fulfillment_rules::shipping::country_code;
/// assert_eq!(country_code(" gb ").unwrap(), "GB");
/// assert!(country_code("USA").is_err());
/// ```
pub fn country_code(code: &str) -> Result<String, ShippingError> {
    let c = code.trim();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(c.to_ascii_uppercase())
    } else {
        Err(ShippingError::InvalidCountry(code.to_string()))
    }
}

/// The code for a destination: domestic when it is the home country, else international.
///
/// ```
/// use bigcartel_fulfillment_rules::shipping::{shipping_code, ShippingCode};
/// assert_eq!(shipping_code(Some("us"), "US").unwrap(), ShippingCode::Domestic);
/// assert_eq!(shipping_code(Some("CA"), "US").unwrap(), ShippingCode::International);
/// ```
pub fn shipping_code(
    destination: Option<&str>,
    home_country: &str,
) -> Result<ShippingCode, ShippingError> {
    let dest = destination
        .filter(|d| !d.trim().is_empty())
        .ok_or(ShippingError::MissingCountry)?;
    let dest = country_code(dest)?;
    let home = country_code(home_country)?;
    Ok(if dest == home {
        ShippingCode::Domestic
    } else {
        ShippingCode::International
    })
}

/// The code chosen for an order and the carrier service it maps to, if configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethod {
    /// `DOMESTIC_DEFAULT` or `INTERNATIONAL_DEFAULT`.
    pub code: ShippingCode,
    /// The carrier service configured for the code (e.g. `USPS_PRIORITY`).
    pub service: Option<String>,
}

/// The home country and the code-to-service mapping (the `[shipping]` table of the configuration).
///
/// ```
/// use bigcartel_fulfillment_rules::shipping::{ShippingRules, ShippingCode};
/// let rules = ShippingRules::new("US")
///     .unwrap()
///     .with_service(ShippingCode::International, "USPS_PRIORITY_INTL");
/// let m = rules.method(Some("DE")).unwrap();
/// assert_eq!(m.code.as_str(), "INTERNATIONAL_DEFAULT");
/// assert_eq!(m.service.as_deref(), Some("USPS_PRIORITY_INTL"));
/// assert_eq!(rules.method(Some("US")).unwrap().service, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingRules {
    home_country: String,
    services: BTreeMap<ShippingCode, String>,
}

impl ShippingRules {
    /// Rules for a home country, with no services mapped.
    pub fn new(home_country: &str) -> Result<Self, ShippingError> {
        Ok(ShippingRules {
            home_country: country_code(home_country)?,
            services: BTreeMap::new(),
        })
    }

    /// Maps a code to a carrier service.
    pub fn with_service(mut self, code: ShippingCode, service: impl Into<String>) -> Self {
        self.services.insert(code, service.into());
        self
    }

    /// The home country (upper case).
    pub fn home_country(&self) -> &str {
        &self.home_country
    }

    /// The code and service for a destination country.
    pub fn method(&self, destination: Option<&str>) -> Result<ShippingMethod, ShippingError> {
        let code = shipping_code(destination, &self.home_country)?;
        Ok(ShippingMethod {
            code,
            service: self.services.get(&code).cloned(),
        })
    }
}
