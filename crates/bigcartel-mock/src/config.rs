//! Configuration: [`MockConfig`] for the server, [`FaultConfig`] for fault
//! injection and [`CannedResponse`] for bad-input replay.

use serde::{Deserialize, Serialize};

/// Everything needed to start a [`crate::MockServer`].
///
/// Defaults (see [`MockConfig::default`]):
///
/// | field | default |
/// | --- | --- |
/// | `seed` | `42` |
/// | `products` | `24` |
/// | `orders` | `40` |
/// | `port` | `0` (an ephemeral port on 127.0.0.1) |
/// | `account_id` | `12345` |
/// | `subdomain` | `"mockshop"` |
/// | `token` | `"mock-token"` (accepted as `Authorization: Bearer mock-token`) |
/// | `basic_user` / `basic_password` | `"mockshop"` / `"mock-password"` (HTTP Basic) |
/// | `client_id` / `client_secret` | `"mock-client-id"` / `"mock-client-secret"` (OAuth app, webhook signing key) |
/// | `oauth_code` | `"mock-code"` (the code `POST /oauth/token` accepts; reusable) |
/// | `webhook_url` | `None` (no automatic webhooks) |
/// | `public_base_url` | `None` (links use `http://127.0.0.1:PORT`) |
/// | `faults` | none |
/// | `log_requests` | `false` |
///
/// `Debug` never prints the token, password or client secret.
#[derive(Clone)]
pub struct MockConfig {
    /// Seed for the generated shop and for random fault decisions. The same
    /// seed gives byte-identical responses for the same requests.
    pub seed: u64,
    /// Number of products to generate.
    pub products: usize,
    /// Number of orders to generate.
    pub orders: usize,
    /// TCP port on 127.0.0.1; `0` picks a free one.
    pub port: u16,
    /// The one account's id.
    pub account_id: u64,
    /// The account's subdomain (`https://{subdomain}.bigcartel.com`).
    pub subdomain: String,
    /// Bearer token accepted until the account is deauthorized.
    pub token: String,
    /// HTTP Basic user name (Big Cartel uses the store subdomain).
    pub basic_user: String,
    /// HTTP Basic password.
    pub basic_password: String,
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret; also the webhook signing key.
    pub client_secret: String,
    /// The authorization code `POST /oauth/token` exchanges for a token.
    pub oauth_code: String,
    /// Where state changes are announced as webhooks (`order.updated`, ...).
    pub webhook_url: Option<String>,
    /// Base URL used in `links` and `Location` instead of
    /// `http://127.0.0.1:PORT` (makes bodies identical across ports).
    pub public_base_url: Option<String>,
    /// Faults active from the start.
    pub faults: FaultConfig,
    /// Print one line per request (method, path, operation, status) to
    /// stderr. Never prints headers, bodies or query strings.
    pub log_requests: bool,
    /// Answer a read (GET) that was answered before from memory while the shop is unchanged
    /// (any write forgets every remembered answer). Off by default. For benchmarks of clients:
    /// the real API renders on its own machines, so a mock rendering every page on the client's
    /// cores would measure the mock. Latency and faults still apply to every request.
    pub cache_reads: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            seed: 42,
            products: 24,
            orders: 40,
            port: 0,
            account_id: 12345,
            subdomain: "mockshop".into(),
            token: "mock-token".into(),
            basic_user: "mockshop".into(),
            basic_password: "mock-password".into(),
            client_id: "mock-client-id".into(),
            client_secret: "mock-client-secret".into(),
            oauth_code: "mock-code".into(),
            webhook_url: None,
            public_base_url: None,
            faults: FaultConfig::default(),
            log_requests: false,
            cache_reads: false,
        }
    }
}

impl std::fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockConfig")
            .field("seed", &self.seed)
            .field("products", &self.products)
            .field("orders", &self.orders)
            .field("port", &self.port)
            .field("account_id", &self.account_id)
            .field("subdomain", &self.subdomain)
            .field("token", &"<redacted>")
            .field("basic_user", &self.basic_user)
            .field("basic_password", &"<redacted>")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("oauth_code", &"<redacted>")
            .field("webhook_url", &self.webhook_url)
            .field("public_base_url", &self.public_base_url)
            .field("faults", &self.faults)
            .field("log_requests", &self.log_requests)
            .field("cache_reads", &self.cache_reads)
            .finish()
    }
}

/// Fault injection, settable at start ([`MockConfig::faults`]) and at run
/// time ([`crate::MockServer::set_faults`] or `PUT /__mock/faults`).
///
/// Each request to an in-scope operation draws one number from a PRNG seeded
/// with the server seed, so a given request sequence always gets the same
/// faults. The rates are fractions in `0.0..=1.0` and are tried in this order
/// (their sum should stay at or below 1): `drop_rate`, `error_500_rate`,
/// `error_503_rate`, `rate_limit_rate`, `truncate_rate`, `cut_json_rate`.
///
/// Every fault except `fail_after_write` happens **before** any state change:
/// a faulted write is not applied. `fail_after_write_rate` (drawn separately,
/// writes only) applies the write and then answers 500, so a test can prove a
/// client never blindly retries a POST.
///
/// All fields default to "off"; in JSON every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Fixed delay before answering, in milliseconds.
    pub latency_ms: u64,
    /// Extra random delay, uniform in `0..=jitter_ms` milliseconds.
    pub jitter_ms: u64,
    /// Fraction of requests answered `500 Internal Server Error`.
    pub error_500_rate: f64,
    /// Fraction of requests answered `503 Service Unavailable`.
    pub error_503_rate: f64,
    /// Fraction of requests answered `429 Too Many Requests` with
    /// `Retry-After: <retry_after_secs>`.
    pub rate_limit_rate: f64,
    /// The `Retry-After` value (seconds, `0` allowed) sent with 429s.
    pub retry_after_secs: u64,
    /// Fraction of requests whose connection is closed without a response.
    pub drop_rate: f64,
    /// Fraction of responses that announce the full `Content-Length` but send
    /// only half of the body before the connection closes.
    pub truncate_rate: f64,
    /// Fraction of responses whose JSON is cut in half (with a matching
    /// `Content-Length`, so the HTTP message itself is complete).
    pub cut_json_rate: f64,
    /// Fraction of successful writes (POST/PATCH/DELETE) that are applied and
    /// then answered `500`.
    pub fail_after_write_rate: f64,
    /// Operation ids the faults apply to (e.g. `["createArtist"]`); empty
    /// means every API operation. Admin (`/__mock`) routes are never faulted.
    pub operations: Vec<String>,
    /// Stop injecting after this many faults (latency is not counted).
    /// `Some(2)` with `error_503_rate: 1.0` means "fail the next two requests".
    pub max_faults: Option<u64>,
}

impl FaultConfig {
    /// No faults at all (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether any fault or delay is configured.
    pub fn is_active(&self) -> bool {
        self.latency_ms > 0
            || self.jitter_ms > 0
            || [
                self.error_500_rate,
                self.error_503_rate,
                self.rate_limit_rate,
                self.drop_rate,
                self.truncate_rate,
                self.cut_json_rate,
                self.fail_after_write_rate,
            ]
            .iter()
            .any(|r| *r > 0.0)
    }

    /// Restricts the faults to the given operation ids.
    pub fn only<I, S>(mut self, operations: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.operations = operations.into_iter().map(Into::into).collect();
        self
    }

    /// Stops injecting after `n` faults.
    pub fn at_most(mut self, n: u64) -> Self {
        self.max_faults = Some(n);
        self
    }
}

/// A canned, deliberately broken response for hardening tests.
///
/// Install one per operation with [`crate::MockServer::set_override`] (or
/// `PUT /__mock/overrides/{operationId}` with `{"canned":"html_502"}`), or
/// ask for one per request with the path prefix `/__canned/{kind}`, e.g.
/// `GET /__canned/html_502/v1/accounts/12345/orders`. Overrides skip header,
/// auth and fault handling and never change state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "canned")]
pub enum CannedResponse {
    /// `502` with an nginx-style HTML page and `Content-Type: text/html`.
    #[serde(rename = "html_502")]
    Html502,
    /// `200` with `Content-Type: application/vnd.api+json` and an empty body.
    #[serde(rename = "empty_200")]
    Empty200,
    /// `200` whose JSON stops halfway (complete HTTP message).
    TruncatedJson,
    /// `200` with the real document (for reads) but ids as numbers, numeric
    /// strings as numbers, numbers as strings and booleans as strings.
    WrongTypes,
    /// `200` where `data` has the wrong shape: an object where a list
    /// belongs (list operations) or a list where an object belongs.
    DataObjectForList,
    /// `200` with the real document plus `included` resources of unknown
    /// types and relationships pointing at them.
    UnknownIncludedTypes,
    /// `200` whose body is not valid UTF-8.
    #[serde(rename = "invalid_utf8")]
    InvalidUtf8,
    /// Anything else: status, content type and body as given.
    Custom {
        /// HTTP status code.
        status: u16,
        /// `Content-Type` header value.
        content_type: String,
        /// Body, sent as is.
        body: String,
    },
}

impl CannedResponse {
    /// The short name used in the `/__canned/{kind}` prefix and in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            CannedResponse::Html502 => "html_502",
            CannedResponse::Empty200 => "empty_200",
            CannedResponse::TruncatedJson => "truncated_json",
            CannedResponse::WrongTypes => "wrong_types",
            CannedResponse::DataObjectForList => "data_object_for_list",
            CannedResponse::UnknownIncludedTypes => "unknown_included_types",
            CannedResponse::InvalidUtf8 => "invalid_utf8",
            CannedResponse::Custom { .. } => "custom",
        }
    }

    /// Parses a kind name (all variants but `Custom`).
    pub fn from_kind(kind: &str) -> Option<Self> {
        Some(match kind {
            "html_502" => CannedResponse::Html502,
            "empty_200" => CannedResponse::Empty200,
            "truncated_json" => CannedResponse::TruncatedJson,
            "wrong_types" => CannedResponse::WrongTypes,
            "data_object_for_list" => CannedResponse::DataObjectForList,
            "unknown_included_types" => CannedResponse::UnknownIncludedTypes,
            "invalid_utf8" => CannedResponse::InvalidUtf8,
            _ => return None,
        })
    }

    /// Every kind name accepted by [`CannedResponse::from_kind`].
    pub const KINDS: &'static [&'static str] = &[
        "html_502",
        "empty_200",
        "truncated_json",
        "wrong_types",
        "data_object_for_list",
        "unknown_included_types",
        "invalid_utf8",
    ];
}
