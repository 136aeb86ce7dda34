//! The mock store's catalog: a few products chosen to exercise every part of a cart (variants
//! chosen by id or by option, modifiers, a digital product, a sale price, a product promotion,
//! limited stock). Prices are integer cents.

/// A value of a product option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionValue {
    /// The value's id.
    pub id: i64,
    /// Its label.
    pub label: &'static str,
    /// What choosing it adds to the unit price, in cents (modifiers only).
    pub adjust_cents: i64,
}

/// How an option is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// Picks the variant (a size, a color).
    Variant,
    /// A modifier with listed values (a checkbox, a pick list).
    List,
    /// A modifier taking free text.
    Text,
}

/// A product option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductOption {
    /// The option's id.
    pub id: i64,
    /// Its name.
    pub name: &'static str,
    /// How it is chosen.
    pub kind: OptionKind,
    /// The values (empty for text).
    pub values: Vec<OptionValue>,
}

/// A variant: one buyable version of a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The variant's id.
    pub id: i64,
    /// Its SKU.
    pub sku: &'static str,
    /// Its price in cents, when it differs from the product's.
    pub price_cents: Option<i64>,
    /// The variant option's value that selects it, if the product has a variant option.
    pub option_value: Option<i64>,
}

/// A product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// The product's id.
    pub id: i64,
    /// Its name.
    pub name: &'static str,
    /// Whether it downloads instead of shipping.
    pub digital: bool,
    /// The default price in cents.
    pub price_cents: i64,
    /// The sale price in cents, when on sale (it becomes the list price).
    pub sale_price_cents: Option<i64>,
    /// A product-level promotion: percent off, with its discount id.
    pub promotion: Option<(i64, i64)>,
    /// Units in stock, when tracked.
    pub stock: Option<i64>,
    /// The variants (a product without options has one base variant).
    pub variants: Vec<Variant>,
    /// The options.
    pub options: Vec<ProductOption>,
}

impl Product {
    /// Whether a variant must be named (by id or by option) rather than implied.
    pub fn has_variant_choice(&self) -> bool {
        self.variants.len() > 1
    }

    /// The product's page on the storefront.
    pub fn url(&self, storefront: &str) -> String {
        let slug: String = self
            .name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("{storefront}/{}/", slug.trim_matches('-'))
    }
}

/// A cart-level promotion: percent off carts whose discounted subtotal reaches a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CartPromotion {
    /// The discount id.
    pub id: i64,
    /// Percent off.
    pub percent: i64,
    /// The subtotal (after item discounts) from which it applies, in cents.
    pub threshold_cents: i64,
}

/// The cart-level promotion of the mock store: 5% off from $100.
pub const CART_PROMOTION: CartPromotion = CartPromotion {
    id: 1,
    percent: 5,
    threshold_cents: 100_00,
};

/// A coupon (applied to a cart through the admin API, as a checkout would).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coupon {
    /// The coupon's id.
    pub id: i64,
    /// The code shoppers enter.
    pub code: &'static str,
    /// Its name.
    pub name: &'static str,
    /// BigCommerce's coupon type (`1` percentage, `2` per total).
    pub coupon_type: &'static str,
    /// Cents off the total (per total coupons).
    pub amount_cents: i64,
    /// Percent off the total (percentage coupons).
    pub percent: i64,
}

/// The coupons the mock store knows.
pub const COUPONS: &[Coupon] = &[
    Coupon {
        id: 6,
        code: "SAVE5",
        name: "$5 off",
        coupon_type: "2",
        amount_cents: 5_00,
        percent: 0,
    },
    Coupon {
        id: 7,
        code: "TENOFF",
        name: "10% off",
        coupon_type: "1",
        amount_cents: 0,
        percent: 10,
    },
];

/// Currencies carts may use.
pub const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "CAD", "AUD"];

/// Gift certificate themes.
pub const THEMES: &[&str] = &[
    "Birthday",
    "Boy",
    "Celebration",
    "Christmas",
    "General",
    "Girl",
];

/// The catalog.
pub fn products() -> Vec<Product> {
    let size = ProductOption {
        id: 10,
        name: "Size",
        kind: OptionKind::Variant,
        values: vec![
            OptionValue {
                id: 1001,
                label: "Small",
                adjust_cents: 0,
            },
            OptionValue {
                id: 1002,
                label: "Medium",
                adjust_cents: 0,
            },
            OptionValue {
                id: 1003,
                label: "Large",
                adjust_cents: 0,
            },
        ],
    };
    let donation = ProductOption {
        id: 12,
        name: "Add a $5 Donation",
        kind: OptionKind::List,
        values: vec![
            OptionValue {
                id: 1201,
                label: "Yes",
                adjust_cents: 5_00,
            },
            OptionValue {
                id: 1202,
                label: "No",
                adjust_cents: 0,
            },
        ],
    };
    let note = ProductOption {
        id: 11,
        name: "Gift note",
        kind: OptionKind::Text,
        values: vec![],
    };
    vec![
        Product {
            id: 77,
            name: "Classic Tee",
            digital: false,
            price_cents: 25_00,
            sale_price_cents: None,
            promotion: None,
            stock: None,
            variants: vec![
                Variant {
                    id: 101,
                    sku: "TEE-S",
                    price_cents: None,
                    option_value: Some(1001),
                },
                Variant {
                    id: 102,
                    sku: "TEE-M",
                    price_cents: None,
                    option_value: Some(1002),
                },
                Variant {
                    id: 103,
                    sku: "TEE-L",
                    price_cents: Some(27_00),
                    option_value: Some(1003),
                },
            ],
            options: vec![size, note, donation],
        },
        Product {
            id: 107,
            name: "Field Guide (PDF)",
            digital: true,
            price_cents: 12_50,
            sale_price_cents: None,
            promotion: None,
            stock: None,
            variants: vec![Variant {
                id: 150,
                sku: "GUIDE-PDF",
                price_cents: None,
                option_value: None,
            }],
            options: vec![],
        },
        Product {
            id: 118,
            name: "Canvas Tote",
            digital: false,
            price_cents: 18_00,
            sale_price_cents: Some(15_00),
            promotion: Some((2, 10)),
            stock: None,
            variants: vec![Variant {
                id: 160,
                sku: "TOTE",
                price_cents: None,
                option_value: None,
            }],
            options: vec![],
        },
        Product {
            id: 126,
            name: "Wall Calendar",
            digital: false,
            price_cents: 5_00,
            sale_price_cents: None,
            promotion: None,
            stock: Some(3),
            variants: vec![Variant {
                id: 170,
                sku: "CAL-2026",
                price_cents: None,
                option_value: None,
            }],
            options: vec![],
        },
    ]
}
