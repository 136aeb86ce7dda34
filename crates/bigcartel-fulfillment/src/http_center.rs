//! [`HttpCenter`]: a [`FulfillmentCenter`] spoken to over HTTP with the reference protocol
//! (see [`crate::reference`] for the routes).

use std::time::Duration;

use serde::Deserialize;

use crate::center::{CenterError, FulfillmentCenter, FulfillmentOrder, ShipmentStatus, Submission};

/// A fulfillment center reached over HTTP: `PUT /submissions/{key}`, `GET /submissions/{key}`,
/// `GET /shipments/{reference}`.
///
/// ```
/// use bigcartel_fulfillment::{CenterAuth, HttpCenter};
/// let center = HttpCenter::new("http://127.0.0.1:8088").unwrap();
/// assert_eq!(center.base_url(), "http://127.0.0.1:8088");
/// // Plain http leaves this machine for nobody.
/// assert!(HttpCenter::new("http://center.example.com").is_err());
/// let center = HttpCenter::new("https://center.example.com")
///     .unwrap()
///     .with_auth(CenterAuth::Bearer(bigcartel::Secret::new("tok_123")));
/// assert!(!format!("{center:?}").contains("tok_123"));
/// ```
#[derive(Debug, Clone)]
pub struct HttpCenter {
    base: String,
    http: reqwest::Client,
    auth: CenterAuth,
}

/// The environment variable holding a bearer token for the center.
pub const CENTER_TOKEN_ENV: &str = "FULFILLMENT_CENTER_TOKEN";
/// The environment variable holding the user name for Basic authentication with the center.
pub const CENTER_USER_ENV: &str = "FULFILLMENT_CENTER_USER";
/// The environment variable holding the password for Basic authentication with the center.
pub const CENTER_PASSWORD_ENV: &str = "FULFILLMENT_CENTER_PASSWORD";

/// How [`HttpCenter`] authenticates. Secrets are [`bigcartel::Secret`]s: never in `Debug`
/// output, logs or errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CenterAuth {
    /// No credentials (a center on this machine, or one that authenticates otherwise).
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(bigcartel::Secret),
    /// `Authorization: Basic ...`.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: bigcartel::Secret,
    },
}

impl CenterAuth {
    /// From the environment: [`CENTER_TOKEN_ENV`] for a bearer token, or [`CENTER_USER_ENV`] and
    /// [`CENTER_PASSWORD_ENV`] for Basic; none of them for no credentials.
    pub fn from_env() -> Result<CenterAuth, CenterError> {
        CenterAuth::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`CenterAuth::from_env`], reading variables through `lookup` (empty values count as
    /// unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<CenterAuth, CenterError> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let token = get(CENTER_TOKEN_ENV);
        let user = get(CENTER_USER_ENV);
        let password = get(CENTER_PASSWORD_ENV);
        match (token, user, password) {
            (None, None, None) => Ok(CenterAuth::None),
            (Some(t), None, None) => Ok(CenterAuth::Bearer(bigcartel::Secret::new(t))),
            (None, Some(user), Some(p)) => Ok(CenterAuth::Basic {
                user,
                password: bigcartel::Secret::new(p),
            }),
            (Some(_), _, _) => Err(CenterError::Config(format!(
                "set either {CENTER_TOKEN_ENV} or {CENTER_USER_ENV} and {CENTER_PASSWORD_ENV}, not both"
            ))),
            (None, _, _) => Err(CenterError::Config(format!(
                "{CENTER_USER_ENV} and {CENTER_PASSWORD_ENV} go together"
            ))),
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

impl HttpCenter {
    /// A client for the center at `base_url` (no trailing slash needed), without credentials
    /// (see [`HttpCenter::with_auth`]).
    ///
    /// The URL must be `https://`, or `http://` to this machine (`localhost`, `127.0.0.0/8`,
    /// `::1`): orders carry buyers' names and addresses, and the credentials ride along. The
    /// client follows no redirects: a 3xx is [`CenterError::Redirect`].
    pub fn new(base_url: &str) -> Result<Self, CenterError> {
        bigcartel::check_base_url(base_url).map_err(|e| CenterError::Config(e.to_string()))?;
        let base = base_url.trim_end_matches('/').to_string();
        // No redirects (bigcartel's shared builder refuses them), rustls with ring.
        let http = bigcartel::http_client_builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("bigcartel-fulfillment/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CenterError::Unavailable(e.to_string()))?;
        Ok(HttpCenter {
            base,
            http,
            auth: CenterAuth::None,
        })
    }

    /// A client for the center at `base_url` with the credentials from the environment (see
    /// [`CenterAuth::from_env`]).
    pub fn from_env(base_url: &str) -> Result<Self, CenterError> {
        Ok(HttpCenter::new(base_url)?.with_auth(CenterAuth::from_env()?))
    }

    /// The same client, authenticating with `auth`.
    pub fn with_auth(mut self, auth: CenterAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The center's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// A request with the credentials, if any.
    fn request(&self, method: reqwest::Method, kind: &str, id: &str) -> reqwest::RequestBuilder {
        let req = self.http.request(method, self.url(kind, id));
        match &self.auth {
            CenterAuth::None => req,
            CenterAuth::Bearer(token) => req.bearer_auth(token.expose()),
            CenterAuth::Basic { user, password } => req.basic_auth(user, Some(password.expose())),
        }
    }

    fn url(&self, kind: &str, id: &str) -> String {
        // Keys and references stay one path segment whatever they contain.
        let id = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
        format!("{}/{kind}/{id}", self.base)
    }
}

/// A redirect could be someone steering orders and credentials elsewhere: refused, and logged
/// (without its `Location`, which is the redirector's to choose).
fn redirect(status: u16) -> CenterError {
    tracing::warn!(
        status,
        "the fulfillment center answered a redirect; not followed"
    );
    CenterError::Redirect { status }
}

fn unavailable(e: reqwest::Error) -> CenterError {
    if bigcartel::body::is_too_large(&e) {
        tracing::warn!("the fulfillment center's answer is over the size cap; not read");
        return CenterError::Unavailable(format!(
            "the center's answer is larger than the {}-byte cap",
            bigcartel::DEFAULT_MAX_RESPONSE_BYTES
        ));
    }
    CenterError::Unavailable(e.without_url().to_string())
}

/// Sends `request`, its answer's body capped: a center (or something posing as one) cannot make
/// the engine hold an unbounded answer in memory.
async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, CenterError> {
    let response = request.send().await.map_err(unavailable)?;
    Ok(bigcartel::body::capped(
        response,
        bigcartel::DEFAULT_MAX_RESPONSE_BYTES,
    ))
}

async fn error_text(resp: reqwest::Response) -> String {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&body) {
        Ok(e) => format!("{status}: {}", e.error),
        Err(_) => format!("{status}: {}", body.chars().take(200).collect::<String>()),
    }
}

impl FulfillmentCenter for HttpCenter {
    async fn submit(&self, key: &str, order: &FulfillmentOrder) -> Result<Submission, CenterError> {
        let resp = send(
            self.request(reqwest::Method::PUT, "submissions", key)
                .json(order),
        )
        .await?;
        let status = resp.status().as_u16();
        match status {
            300..=399 => Err(redirect(status)),
            200 | 201 => resp.json::<Submission>().await.map_err(unavailable),
            409 => Err(CenterError::Conflict(error_text(resp).await)),
            400..=499 if status != 408 && status != 429 => {
                Err(CenterError::Rejected(error_text(resp).await))
            }
            _ => Err(CenterError::Unavailable(error_text(resp).await)),
        }
    }

    async fn find(&self, key: &str) -> Result<Option<Submission>, CenterError> {
        let resp = send(self.request(reqwest::Method::GET, "submissions", key)).await?;
        match resp.status().as_u16() {
            status @ 300..=399 => Err(redirect(status)),
            200 => resp
                .json::<Submission>()
                .await
                .map(Some)
                .map_err(unavailable),
            404 => Ok(None),
            _ => Err(CenterError::Unavailable(error_text(resp).await)),
        }
    }

    async fn shipment(&self, reference: &str) -> Result<ShipmentStatus, CenterError> {
        let resp = send(self.request(reqwest::Method::GET, "shipments", reference)).await?;
        match resp.status().as_u16() {
            status @ 300..=399 => Err(redirect(status)),
            200 => resp.json::<ShipmentStatus>().await.map_err(unavailable),
            404 => Err(CenterError::Rejected(error_text(resp).await)),
            _ => Err(CenterError::Unavailable(error_text(resp).await)),
        }
    }
}
