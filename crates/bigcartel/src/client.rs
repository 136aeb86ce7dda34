//! The client: construction, account discovery, and turning raw responses into models or errors.

use crate::classify::{collect, failure_error, transport_failure};
use crate::error::{Error, Operation};
use crate::generated_raw::Client as RawClient;
use crate::jsonapi::{self, Model, Page};
use crate::retry::RetryPolicy;
use crate::transport::{Auth, Transport, TransportStats};
use api_runtime::Secret;
use api_runtime::failure::{Failure, classify};
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::HeaderValue;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The API's address.
pub const DEFAULT_BASE_URL: &str = "https://api.bigcartel.com";

/// The whole-request timeout a client has unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The connect timeout a client has unless told otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Big Cartel API client. Cheap to share: wrap it in an `Arc` or borrow it.
///
/// Every operation of the spec is a method returning resolved models (see [`crate::models`]);
/// list operations return a [`Page`], and paginated lists also have a `_stream` method that
/// yields every item.
///
/// ```no_run
/// # async fn run() -> Result<(), bigcartel::Error> {
/// use bigcartel::{Client, ListOrdersParams};
/// let client = Client::builder("MyApp (https://myapp.example)").bearer("ACCESS-TOKEN").build()?;
/// let page = client
///     .list_orders(&ListOrdersParams::new().filter_shipping_status("unshipped"))
///     .await?;
/// for order in page.items {
///     println!("{} {:?}", order.id, order.total);
/// }
/// # Ok(()) }
/// ```
pub struct Client {
    raw: RawClient,
    account_id: OnceLock<String>,
    stats: Arc<TransportStats>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use progenitor_client::ClientInfo;
        f.debug_struct("Client")
            .field("base_url", &self.raw.baseurl())
            .field("auth", &self.raw.inner().auth)
            .field("account_id", &self.account_id.get())
            .finish()
    }
}

/// Builds a [`Client`]. The User-Agent is required up front because the API answers 400 without it.
///
/// ```
/// let client = bigcartel::Client::builder("MyApp (me@example.com)")
///     .basic("mystore", "store-password")
///     .account_id("12345")
///     .build()
///     .unwrap();
/// assert!(format!("{client:?}").contains("[redacted]"));
/// assert!(!format!("{client:?}").contains("store-password"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    pub(crate) base_url: String,
    user_agent: String,
    auth: Auth,
    pub(crate) account_id: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    connections: Option<Connections>,
}

/// An HTTP connection pool that several clients share: a service that builds a client per
/// merchant sets up TLS (the system's root certificates included) once and reuses open
/// connections, instead of doing both for every client. Cloning it is cheap and shares the pool.
///
/// ```
/// use bigcartel::{Connections, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
///
/// let pool = Connections::new(DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT)?;
/// let clients = [("TOKEN-A", "1001"), ("TOKEN-B", "1002")].map(|(token, account)| {
///     bigcartel::Client::builder("MyApp (me@example.com)")
///         .connections(&pool)
///         .bearer(token)
///         .account_id(account)
///         .build()
/// });
/// // One client per merchant, each with its own credentials (never shown) and account.
/// for (client, account) in clients.iter().zip(["1001", "1002"]) {
///     let shown = format!("{:?}", client.as_ref().unwrap());
///     assert!(shown.contains(account) && !shown.contains("TOKEN"));
/// }
/// # Ok::<(), bigcartel::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Connections {
    http: reqwest::Client,
}

impl Connections {
    /// A pool whose requests time out after `timeout` (connecting after `connect_timeout`): the
    /// timeouts of every client built on it.
    pub fn new(timeout: Duration, connect_timeout: Duration) -> Result<Connections, Error> {
        Ok(Connections {
            http: http_client(timeout, connect_timeout)?,
        })
    }
}

impl Client {
    /// Starts building a client; `user_agent` names your application and a contact URL or email.
    pub fn builder(user_agent: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            user_agent: user_agent.into(),
            auth: Auth::None,
            account_id: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: crate::DEFAULT_MAX_RESPONSE_BYTES,
            connections: None,
        }
    }

    /// The generated wire-level client: one builder per operation, raw response bodies.
    pub fn raw(&self) -> &RawClient {
        &self.raw
    }

    /// Requests sent and retries performed so far by this client.
    pub fn stats(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.stats.attempts.load(Relaxed),
            self.stats.retries.load(Relaxed),
        )
    }

    /// The account id: the configured one, or the first account `GET /v1/accounts` lists (looked up
    /// once, then remembered).
    pub async fn account_id(&self) -> Result<String, Error> {
        if let Some(id) = self.account_id.get() {
            return Ok(id.clone());
        }
        // Only the first id is needed: read it without resolving the accounts.
        let op = crate::dynamic::operation("listAccounts").ok_or_else(|| {
            Error::Config("the spec has no listAccounts operation to find the account".into())
        })?;
        let (status, body) = self.send(op, op.operation.path, &[], None).await?;
        let first = jsonapi::with_document(&body, true, |data, _| {
            Ok(data.first().map(|r| r.id.clone()))
        })
        .map_err(|source| Error::Decode {
            operation: op.operation,
            status,
            source,
        })?
        .0;
        let id = first.ok_or_else(|| {
            Error::Config("these credentials give access to no account; pass an account id".into())
        })?;
        Ok(self.account_id.get_or_init(|| id).clone())
    }

    pub(crate) async fn finish_one<T: Model>(
        &self,
        op: &Operation,
        result: Result<ResponseValue<ByteStream>, progenitor_client::Error<ByteStream>>,
    ) -> Result<T, Error> {
        let (status, body) = self.success_body(op, result).await?;
        jsonapi::decode_one(&body).map_err(|source| Error::Decode {
            operation: *op,
            status,
            source,
        })
    }

    pub(crate) async fn finish_page<T: Model + Send + 'static>(
        &self,
        op: &Operation,
        result: Result<ResponseValue<ByteStream>, progenitor_client::Error<ByteStream>>,
    ) -> Result<Page<T>, Error> {
        let (status, body) = self.success_body(op, result).await?;
        // A large page decodes off this task, so that pages in flight decode side by side.
        let decoded = api_runtime::work::cpu(body.len(), move || jsonapi::decode_list(&body));
        decoded.await.map_err(|source| Error::Decode {
            operation: *op,
            status,
            source,
        })
    }

    pub(crate) async fn finish_empty(
        &self,
        op: &Operation,
        result: Result<ResponseValue<()>, progenitor_client::Error<ByteStream>>,
    ) -> Result<(), Error> {
        match result {
            Ok(_) => Ok(()),
            Err(e) => match classify(e).await {
                // A success status the spec does not list: done all the same.
                Failure::Undocumented { status, .. } if (200..300).contains(&status) => Ok(()),
                other => Err(failure_error(op, other).await),
            },
        }
    }

    /// Sends a request built by [`crate::dynamic`] (see [`crate::exchange`]) and reads the
    /// successful body.
    pub(crate) async fn send(
        &self,
        op: &crate::dynamic::OperationSchema,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, Vec<u8>), Error> {
        use progenitor_client::ClientInfo;
        let operation = &op.operation;
        let mut url = format!("{}{path}", self.raw.baseurl());
        if !query.is_empty() {
            url.push('?');
            url.push_str(
                &url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(query)
                    .finish(),
            );
        }
        let body = match body {
            Some(b) => Some((
                serde_json::to_vec(b)
                    .map_err(|e| Error::invalid_input(operation, e.to_string()))?,
                "application/json",
            )),
            None => None,
        };
        let request = crate::exchange::Request {
            op: operation,
            url,
            json_api: op.json_api,
            body,
        };
        let response = crate::exchange::send(self.raw.client(), self.raw.inner(), request)
            .await?
            .success(operation)?;
        Ok((response.status, response.body))
    }

    async fn success_body(
        &self,
        op: &Operation,
        result: Result<ResponseValue<ByteStream>, progenitor_client::Error<ByteStream>>,
    ) -> Result<(u16, Vec<u8>), Error> {
        match result {
            Ok(rv) => {
                let status = rv.status().as_u16();
                Ok((status, collect(op, rv.into_inner_stream()).await?))
            }
            Err(e) => match classify(e).await {
                // A success status the spec does not list (200 for a 201, say): decode it anyway.
                Failure::Undocumented { status, body, .. } if (200..300).contains(&status) => {
                    let body = body.map_err(|t| transport_failure(op, t))?;
                    Ok((status, body))
                }
                other => Err(failure_error(op, other).await),
            },
        }
    }
}

impl ClientBuilder {
    /// The API's base URL (default `https://api.bigcartel.com`). Plain `http` is accepted only for
    /// loopback addresses (a local mock server), so credentials never cross a network unencrypted.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Authenticate with an OAuth access token.
    pub fn bearer(mut self, token: impl Into<Secret>) -> Self {
        self.auth = Auth::Bearer(token.into());
        self
    }

    /// Authenticate with HTTP Basic: your store's subdomain and password (personal projects only).
    pub fn basic(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = Auth::Basic {
            username: username.into(),
            password: password.into(),
        };
        self
    }

    /// Use this authentication.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The account to work on; when absent it is looked up with `GET /v1/accounts`.
    pub fn account_id(mut self, id: impl Into<String>) -> Self {
        self.account_id = Some(id.into());
        self
    }

    /// The whole-request timeout (default 30 s; native targets only, browsers apply their own).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s; native targets only).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends through `pool` (see [`Connections`]) instead of a pool of this client's own; the
    /// pool's timeouts then apply, not [`ClientBuilder::timeout`]'s or
    /// [`ClientBuilder::connect_timeout`]'s.
    pub fn connections(mut self, pool: &Connections) -> Self {
        self.connections = Some(pool.clone());
        self
    }

    /// How failed requests are retried (see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`crate::DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB). A longer answer fails with
    /// [`crate::error::TransportKind::TooLarge`] as soon as the cap is passed (at once when its declared length is
    /// over it), so a misbehaving server cannot make the client hold an unbounded body in memory.
    ///
    /// ```
    /// let client = bigcartel::Client::builder("MyApp (me@example.com)")
    ///     .bearer("ACCESS-TOKEN")
    ///     .max_response_bytes(8 << 20)
    ///     .build();
    /// assert!(client.is_ok());
    /// ```
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client, Error> {
        check_base_url(&self.base_url)?;
        let ua = self.user_agent.trim();
        if ua.is_empty() {
            return Err(Error::Config(
                "a User-Agent naming your application and a contact URL or email is required"
                    .into(),
            ));
        }
        let user_agent = HeaderValue::from_str(ua).map_err(|_| {
            Error::Config("the User-Agent contains characters not allowed in a header".into())
        })?;
        if matches!(self.auth, Auth::None) {
            return Err(Error::Config(
                "no credentials: call .bearer(token) or .basic(subdomain, password)".into(),
            ));
        }
        let http = match self.connections {
            Some(pool) => pool.http,
            None => http_client(self.timeout, self.connect_timeout)?,
        };
        let stats = Arc::new(TransportStats::default());
        let transport = Transport {
            auth: self.auth,
            user_agent,
            retry: self.retry,
            stats: stats.clone(),
            max_body: self.max_response_bytes,
        };
        let raw = RawClient::new_with_client(self.base_url.trim_end_matches('/'), http, transport);
        let account_id = OnceLock::new();
        if let Some(id) = self.account_id {
            let _ = account_id.set(id);
        }
        Ok(Client {
            raw,
            account_id,
            stats,
        })
    }
}

pub(crate) fn http_client(
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, Error> {
    #[cfg(not(target_arch = "wasm32"))]
    let builder = http_client_builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout);
    #[cfg(target_arch = "wasm32")]
    let builder = {
        let _ = (timeout, connect_timeout);
        http_client_builder()
    };
    builder
        .build()
        .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))
}

pub use api_runtime::http_client_builder;

/// Accepts `https://` anywhere and `http://` only on loopback (a local mock server), so that
/// credentials never cross a network unencrypted; rejects credentials in the URL. Every client of
/// the workspace checks its base URL with it.
///
/// ```
/// assert!(bigcartel::check_base_url("https://api.bigcartel.com").is_ok());
/// assert!(bigcartel::check_base_url("http://127.0.0.1:4010").is_ok());
/// assert!(bigcartel::check_base_url("http://example.com").is_err());
/// // A URL that does not parse is not echoed: it may hold a password.
/// let e = bigcartel::check_base_url("https://me:s3cret@exa mple.com").unwrap_err();
/// assert!(!e.to_string().contains("s3cret"));
/// ```
pub fn check_base_url(base: &str) -> Result<(), Error> {
    api_runtime::check_base_url(base).map_err(Error::Config)
}
