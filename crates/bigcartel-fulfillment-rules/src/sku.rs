//! SKU derivation: Big Cartel keeps no SKU, so merchants end each product description with
//! `SKU:<code>` and the code is joined with the line's option name.
//!
//! These are pure functions; the engine calls them for every line of an order and holds the order
//! (with the error as its reason) when one fails, rather than submitting a wrong SKU.

/// The marker a product description ends with, followed by the SKU (or its prefix).
pub const SKU_MARKER: &str = "SKU:";

/// Why no SKU could be derived for a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkuError {
    /// The product has no description at all.
    #[error("the product has no description, so no `SKU:` marker")]
    NoDescription,
    /// The description does not contain `SKU:`.
    #[error("the product description has no `SKU:` marker; end it with `SKU:<code>`")]
    NoMarker,
    /// `SKU:` is the very end of the description: nothing follows it.
    #[error("nothing follows the last `SKU:` in the product description")]
    Empty,
    /// Text on more than one line follows `SKU:`: the marker is not at the end of the description.
    #[error(
        "the last `SKU:` is not at the end of the product description (several lines follow it: {text:?})"
    )]
    NotAtEnd {
        /// The text that follows the marker (trimmed).
        text: String,
    },
    /// The option name contains a line break or another control character, which would make
    /// the joined SKU something the fulfillment center cannot match (found by fuzzing).
    #[error("the option name {option:?} contains control characters")]
    BadOptionName {
        /// The option name as Big Cartel sent it.
        option: String,
    },
}

/// How SKUs are put together, from the `[sku]` table of the configuration.
///
/// ```
/// let rules = bigcartel_fulfillment_rules::sku::SkuRules::default();
/// assert_eq!(rules.ignore_option_names, vec!["Default".to_string()]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SkuRules {
    /// Option names that stand for "no option" and add nothing to the SKU. Big Cartel gives a
    /// product without variants a single option; its name (`Default` in the mock) is not part of
    /// the SKU. Compared exactly.
    pub ignore_option_names: Vec<String>,
}

impl Default for SkuRules {
    fn default() -> Self {
        SkuRules {
            ignore_option_names: vec!["Default".into()],
        }
    }
}

/// The SKU written in a product description: everything after the **last** `SKU:`, trimmed.
///
/// The doc of the integration this follows says "use ALL following text as your product SKU";
/// text spanning several lines means the marker is not at the end, which is an error rather than a
/// SKU made of a paragraph.
///
/// ```
/// use bigcartel_fulfillment_rules::sku::{sku_prefix, SkuError};
/// assert_eq!(sku_prefix(Some("Heavy cotton tee.\n\nSKU:SHIRT-")), Ok("SHIRT-"));
/// assert_eq!(sku_prefix(Some("A zine.")), Err(SkuError::NoMarker));
/// ```
pub fn sku_prefix(description: Option<&str>) -> Result<&str, SkuError> {
    let description = description.ok_or(SkuError::NoDescription)?;
    let at = description.rfind(SKU_MARKER).ok_or(SkuError::NoMarker)?;
    let text = description[at + SKU_MARKER.len()..].trim();
    if text.is_empty() {
        return Err(SkuError::Empty);
    }
    if text.contains(['\n', '\r']) {
        return Err(SkuError::NotAtEnd { text: text.into() });
    }
    Ok(text)
}

/// The SKU of one order line: the description's SKU joined with the option name, unless the
/// option is absent, empty or one of [`SkuRules::ignore_option_names`].
///
/// ```
/// use bigcartel_fulfillment_rules::sku::{derive_sku, SkuRules};
/// let rules = SkuRules::default();
/// // The example of the integration doc: `SKU:SHIRT-` and option `X-LARGE`.
/// assert_eq!(derive_sku(Some("Our shirt. SKU:SHIRT-"), Some("X-LARGE"), &rules).unwrap(), "SHIRT-X-LARGE");
/// assert_eq!(derive_sku(Some("Enamel pin. SKU:PIN-01"), Some("Default"), &rules).unwrap(), "PIN-01");
/// ```
pub fn derive_sku(
    description: Option<&str>,
    option_name: Option<&str>,
    rules: &SkuRules,
) -> Result<String, SkuError> {
    let prefix = sku_prefix(description)?;
    let option = option_name
        .map(str::trim)
        .filter(|o| !o.is_empty() && !rules.ignore_option_names.iter().any(|i| i == o));
    if let Some(o) = option.filter(|o| o.chars().any(char::is_control)) {
        return Err(SkuError::BadOptionName {
            option: o.to_string(),
        });
    }
    Ok(match option {
        Some(o) => format!("{prefix}{o}"),
        None => prefix.to_string(),
    })
}
