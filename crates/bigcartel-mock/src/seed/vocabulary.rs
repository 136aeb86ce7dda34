//! The words and numbers the mock shop is made of: kinds of product, categories, artists, names,
//! places and notes. Only data: `super` draws from it with the seed's generator.

pub(super) struct Kind {
    pub(super) noun: &'static str,
    pub(super) sku: &'static str,
    pub(super) category: usize,
    pub(super) base_cents: i64,
    pub(super) options: &'static [(&'static str, i64)],
    pub(super) blurb: &'static str,
    pub(super) ship_us: (i64, i64),
}

pub(super) const KINDS: &[Kind] = &[
    Kind {
        noun: "Tee",
        sku: "TEE",
        category: 0,
        base_cents: 2500,
        options: &[("Small", 0), ("Medium", 0), ("Large", 0), ("X-Large", 200)],
        blurb: "Screen printed by hand on a heavyweight 100% cotton tee.",
        ship_us: (500, 200),
    },
    Kind {
        noun: "Hoodie",
        sku: "HOOD",
        category: 0,
        base_cents: 5500,
        options: &[("Small", 0), ("Medium", 0), ("Large", 0), ("X-Large", 300)],
        blurb: "Midweight fleece pullover with a two-colour print on the chest.",
        ship_us: (800, 400),
    },
    Kind {
        noun: "Risograph Print",
        sku: "RISO",
        category: 1,
        base_cents: 1800,
        options: &[("8x10", 0), ("11x14", 650), ("18x24", 1850)],
        blurb: "Three-colour risograph on 100lb cover stock, signed and numbered.",
        ship_us: (400, 100),
    },
    Kind {
        noun: "Art Print",
        sku: "PRINT",
        category: 1,
        base_cents: 3000,
        options: &[("A4", 0), ("A3", 1250)],
        blurb: "Giclée print on archival cotton rag paper.",
        ship_us: (500, 150),
    },
    Kind {
        noun: "Sticker Pack",
        sku: "STK",
        category: 2,
        base_cents: 800,
        options: &[("Default", 0)],
        blurb: "Five die-cut vinyl stickers, weatherproof and dishwasher safe.",
        ship_us: (150, 50),
    },
    Kind {
        noun: "Vinyl LP",
        sku: "LP",
        category: 3,
        base_cents: 2800,
        options: &[("Black Vinyl", 0), ("Clear Vinyl", 400)],
        blurb: "180g pressing in a gatefold jacket with a download card.",
        ship_us: (600, 300),
    },
    Kind {
        noun: "Cassette",
        sku: "CS",
        category: 3,
        base_cents: 1000,
        options: &[("Default", 0)],
        blurb: "Limited run of 100 tapes, chrome shells with pad printing.",
        ship_us: (350, 100),
    },
    Kind {
        noun: "Enamel Pin",
        sku: "PIN",
        category: 4,
        base_cents: 1200,
        options: &[("Default", 0)],
        blurb: "1.25 inch hard enamel pin with two rubber clutches.",
        ship_us: (200, 50),
    },
    Kind {
        noun: "Tote Bag",
        sku: "TOTE",
        category: 4,
        base_cents: 2000,
        options: &[("Natural", 0), ("Black", 0)],
        blurb: "Heavy canvas tote with a gusseted bottom.",
        ship_us: (450, 150),
    },
    Kind {
        noun: "Zine",
        sku: "ZINE",
        category: 5,
        base_cents: 900,
        options: &[("Default", 0)],
        blurb: "28 pages of comics and collage, saddle stitched.",
        ship_us: (250, 75),
    },
];

pub(super) const CATEGORIES: &[&str] = &[
    "Apparel",
    "Prints",
    "Stickers",
    "Music",
    "Accessories",
    "Zines",
];

pub(super) const ARTISTS: &[&str] = &[
    "Hollow Pines",
    "Marisol Vega",
    "The Static Orchard",
    "June Okafor",
    "Paper Lanterns",
    "Kit Ramsey",
    "Velvet Moth",
    "Oscar Lindqvist",
];

pub(super) const THEMES: &[(&str, &str)] = &[
    ("Midnight Garden", "MIDGAR"),
    ("Neon Coast", "NEONC"),
    ("Quiet Forest", "QFOR"),
    ("Paper Moon", "PMOON"),
    ("Static Bloom", "STBLM"),
    ("Solar Drift", "SOLDR"),
    ("Ghost Orchid", "GHORC"),
    ("Tidal", "TIDAL"),
    ("Lost Signal", "LSIG"),
    ("Wildflower", "WILDF"),
    ("Night Bus", "NBUS"),
    ("Copper Sky", "CSKY"),
    ("Velvet Storm", "VSTRM"),
    ("Low Tide", "LTIDE"),
    ("Pale Fire", "PFIRE"),
    ("Honey Trap", "HTRAP"),
];

/// International shipping destinations: (country, alone, with others).
pub(super) const INTL: &[(&str, i64, i64)] = &[
    ("CA", 1200, 500),
    ("GB", 1500, 600),
    ("DE", 1500, 600),
    ("AU", 1800, 700),
    ("JP", 1800, 700),
];

/// Fallback rate when a product has no shipping option for the destination.
pub(super) const FALLBACK_SHIPPING: (i64, i64) = (2000, 800);

pub(super) const FIRST_NAMES: &[&str] = &[
    "Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Priya", "Mateo", "Hana", "Owen", "Chloe",
    "Kenji", "Sofia", "Lucas", "Amara", "Felix", "Ines", "Theo", "Nadia", "Ruby",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Garcia", "Nguyen", "Smith", "Okafor", "Rossi", "Kim", "Novak", "Hughes", "Tanaka", "Silva",
    "Brennan", "Dubois", "Larsen", "Patel", "Moreau", "Walsh", "Fischer", "Cohen", "Reyes",
    "Byrne",
];

pub(super) const STREETS: &[&str] = &[
    "Main St",
    "Oak Ave",
    "Division St",
    "Maple Dr",
    "Hawthorne Blvd",
    "Alberta St",
    "Pine Rd",
    "Cedar Ln",
    "Broadway",
    "Market St",
];

/// (country, city, state, zip, lat µdeg, lng µdeg)
pub(super) const PLACES: &[(&str, &str, &str, &str, i64, i64)] = &[
    ("US", "Portland", "OR", "97214", 45_515_200, -122_678_400),
    ("US", "Austin", "TX", "78704", 30_267_100, -97_743_100),
    ("US", "Brooklyn", "NY", "11211", 40_678_200, -73_944_200),
    ("US", "Chicago", "IL", "60622", 41_878_100, -87_629_800),
    (
        "US",
        "Salt Lake City",
        "UT",
        "84101",
        40_760_800,
        -111_891_000,
    ),
    ("US", "Asheville", "NC", "28801", 35_595_100, -82_551_500),
    ("CA", "Toronto", "ON", "M5V 2T6", 43_653_200, -79_383_200),
    ("CA", "Vancouver", "BC", "V6B 1A1", 49_282_700, -123_120_700),
    (
        "GB",
        "London",
        "Greater London",
        "E1 6AN",
        51_507_400,
        -127_800,
    ),
    (
        "GB",
        "Manchester",
        "Greater Manchester",
        "M1 1AE",
        53_480_800,
        -2_242_600,
    ),
    ("DE", "Berlin", "Berlin", "10115", 52_520_000, 13_405_000),
    ("AU", "Melbourne", "VIC", "3000", -37_813_600, 144_963_100),
    ("JP", "Tokyo", "Tokyo", "150-0001", 35_676_200, 139_650_300),
];

pub(super) const NOTES: &[&str] = &[
    "Please gift wrap if you can!",
    "No rush, thank you so much.",
    "Leave it with the neighbour at 12 if I'm out.",
];
