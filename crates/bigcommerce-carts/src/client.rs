//! The client: construction (store hash, token) and one method per operation, each a thin call of
//! the generated raw client whose result goes through [`Client::finish`].

use crate::error::{ApiError, Error, Operation};
use crate::generated_raw::Client as RawClient;
use crate::raw::types::{
    Cart, CartAddItemsRequest, CartCreateRequest, CartLineItemUpdateRequest, CartUpdateRequest,
    ErrorResponse, RedirectUrls,
};
use crate::transport::Transport;
use api_runtime::Secret;
use api_runtime::failure::{self, Failure, classify};
use api_runtime::retry::{RetryPolicy, TransportStats};
use progenitor_client::ResponseValue;
use reqwest::header::HeaderValue;
use std::sync::Arc;
use std::time::Duration;

/// BigCommerce's API gateway.
pub const DEFAULT_BASE_URL: &str = "https://api.bigcommerce.com";

/// Extra parts of a cart to return (the `include` query parameter).
///
/// ```
/// use bigcommerce_carts::Include;
/// assert_eq!(
///     Include::join(&[Include::PhysicalItemOptions, Include::DigitalItemOptions]).as_deref(),
///     Some("line_items.physical_items.options,line_items.digital_items.options")
/// );
/// assert_eq!(Include::join(&[]), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Include {
    /// `redirect_urls`: the cart's redirect URLs (on creation).
    RedirectUrls,
    /// `line_items.physical_items.options`: the physical items' product options.
    PhysicalItemOptions,
    /// `line_items.digital_items.options`: the digital items' product options.
    DigitalItemOptions,
}

impl Include {
    /// Every value, in the spec's order (a test checks it against the spec).
    pub const ALL: [Include; 3] = [
        Include::RedirectUrls,
        Include::PhysicalItemOptions,
        Include::DigitalItemOptions,
    ];

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Include::RedirectUrls => "redirect_urls",
            Include::PhysicalItemOptions => "line_items.physical_items.options",
            Include::DigitalItemOptions => "line_items.digital_items.options",
        }
    }

    /// The comma-separated list the API expects, or `None` for an empty list.
    pub fn join(list: &[Include]) -> Option<String> {
        (!list.is_empty()).then(|| {
            list.iter()
                .map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
    }

    /// Options for every kind of line item: what a cart needs to show its items' choices.
    pub fn item_options() -> &'static [Include] {
        &[Include::PhysicalItemOptions, Include::DigitalItemOptions]
    }
}

impl std::str::FromStr for Include {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Include::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Include::ALL.iter().map(|i| i.as_str()).collect();
                format!("unknown include `{s}` (known: {})", known.join(", "))
            })
    }
}

/// A BigCommerce Carts API client for one store. Cheap to share: wrap it in an `Arc` or borrow it.
///
/// Every method is one operation of `spec/bigcommerce-carts.v3.yaml` (named after its
/// operationId), returning the generated models of [`crate::models`]. Idempotent requests are
/// retried by the same loop as the Big Cartel client ([`api_runtime::retry`]); creating a cart or
/// adding items is never sent twice.
///
/// ```no_run
/// # async fn run() -> Result<(), bigcommerce_carts::Error> {
/// use bigcommerce_carts::{Client, Include, models::{CartCreateRequest, LineItemRequest}};
///
/// let client = Client::builder("abc123", "ACCESS-TOKEN").build()?;
/// let cart = client
///     .create_cart(
///         &CartCreateRequest {
///             line_items: vec![LineItemRequest {
///                 product_id: 77,
///                 variant_id: Some(1),
///                 quantity: 2,
///                 list_price: None,
///                 option_selections: vec![],
///             }],
///             ..Default::default()
///         },
///         &[Include::RedirectUrls],
///     )
///     .await?;
/// println!("{:?} {:?}", cart.id, cart.cart_amount);
/// # Ok(()) }
/// ```
pub struct Client {
    raw: RawClient,
    stats: Arc<TransportStats>,
    store_hash: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use progenitor_client::ClientInfo;
        f.debug_struct("Client")
            .field("base_url", &self.raw.baseurl())
            .field("store_hash", &self.store_hash)
            .field("token", &self.raw.inner().token)
            .finish()
    }
}

/// Builds a [`Client`].
///
/// ```
/// let client = bigcommerce_carts::Client::builder("abc123", "s3cr3t-token").build().unwrap();
/// let debug = format!("{client:?}");
/// assert!(debug.contains("[redacted]") && !debug.contains("s3cr3t-token"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    store_hash: String,
    token: Secret,
    user_agent: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
}

impl Client {
    /// Starts building a client for the store `store_hash` (from its API path,
    /// `/stores/{store_hash}/v3`) with an API account's access token (`X-Auth-Token`).
    pub fn builder(store_hash: impl Into<String>, token: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            store_hash: store_hash.into(),
            token: token.into(),
            user_agent: concat!("bigcommerce-carts-rust/", env!("CARGO_PKG_VERSION")).into(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
        }
    }

    /// The generated wire-level client: one builder per operation of the spec. Pass what its
    /// `send()` returns to [`Client::finish`] for this crate's errors.
    pub fn raw(&self) -> &RawClient {
        &self.raw
    }

    /// The store this client works on.
    pub fn store_hash(&self) -> &str {
        &self.store_hash
    }

    /// Requests sent and retries performed so far by this client.
    pub fn stats(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.stats.attempts.load(Relaxed),
            self.stats.retries.load(Relaxed),
        )
    }

    /// Creates a cart (`createCart`): catalog products and gift certificates, a customer, a
    /// currency. Returns the new cart (with `redirect_urls` when `include` asks for them).
    pub async fn create_cart(
        &self,
        body: &CartCreateRequest,
        include: &[Include],
    ) -> Result<Cart, Error> {
        const OP: Operation = op("createCart", "POST", "/carts");
        let mut request = self.raw.create_cart().body(body.clone());
        if let Some(list) = Include::join(include) {
            request = request.include(list);
        }
        Ok(self.finish(&OP, request.send().await).await?.data)
    }

    /// Gets a cart (`getCart`). Items' product options come only with
    /// [`Include::item_options`].
    pub async fn get_cart(&self, cart_id: &str, include: &[Include]) -> Result<Cart, Error> {
        const OP: Operation = op("getCart", "GET", "/carts/{cartId}");
        let mut request = self.raw.get_cart().cart_id(id(&OP, "cart id", cart_id)?);
        if let Some(list) = Include::join(include) {
            request = request.include(list);
        }
        Ok(self.finish(&OP, request.send().await).await?.data)
    }

    /// Sets a cart's customer (`updateCart`; with `version`, only if the cart is unchanged).
    pub async fn update_cart(
        &self,
        cart_id: &str,
        body: &CartUpdateRequest,
    ) -> Result<Cart, Error> {
        const OP: Operation = op("updateCart", "PUT", "/carts/{cartId}");
        let request = self
            .raw
            .update_cart()
            .cart_id(id(&OP, "cart id", cart_id)?)
            .body(body.clone());
        Ok(self.finish(&OP, request.send().await).await?.data)
    }

    /// Deletes a cart (`deleteCart`).
    pub async fn delete_cart(&self, cart_id: &str) -> Result<(), Error> {
        const OP: Operation = op("deleteCart", "DELETE", "/carts/{cartId}");
        let request = self.raw.delete_cart().cart_id(id(&OP, "cart id", cart_id)?);
        self.finish(&OP, request.send().await).await.map(drop)
    }

    /// Adds line items and gift certificates to a cart (`addCartLineItems`). An item already in
    /// the cart (same product, variant and options) grows in quantity.
    pub async fn add_cart_line_items(
        &self,
        cart_id: &str,
        body: &CartAddItemsRequest,
        include: &[Include],
    ) -> Result<Cart, Error> {
        const OP: Operation = op("addCartLineItems", "POST", "/carts/{cartId}/items");
        let mut request = self
            .raw
            .add_cart_line_items()
            .cart_id(id(&OP, "cart id", cart_id)?)
            .body(body.clone());
        if let Some(list) = Include::join(include) {
            request = request.include(list);
        }
        Ok(self.finish(&OP, request.send().await).await?.data)
    }

    /// Changes a line item's quantity or price, or a gift certificate (`updateCartLineItem`).
    /// Naming another product or variant than the item's is a conflict (409).
    pub async fn update_cart_line_item(
        &self,
        cart_id: &str,
        item_id: &str,
        body: &CartLineItemUpdateRequest,
        include: &[Include],
    ) -> Result<Cart, Error> {
        const OP: Operation = op(
            "updateCartLineItem",
            "PUT",
            "/carts/{cartId}/items/{itemId}",
        );
        let mut request = self
            .raw
            .update_cart_line_item()
            .cart_id(id(&OP, "cart id", cart_id)?)
            .item_id(id(&OP, "item id", item_id)?)
            .body(body.clone());
        if let Some(list) = Include::join(include) {
            request = request.include(list);
        }
        Ok(self.finish(&OP, request.send().await).await?.data)
    }

    /// Removes a line item (`deleteCartLineItem`). Returns the cart without it, or `None` when it
    /// was the last item: then the API deleted the cart and answered 204 with no body.
    ///
    /// The spec declares both answers; progenitor supports one kind of success body per
    /// operation, so the generator leaves the 204 undeclared and it reaches this method as an
    /// unexpected success status, which it turns into `None` (see the generated file's header).
    pub async fn delete_cart_line_item(
        &self,
        cart_id: &str,
        item_id: &str,
        include: &[Include],
    ) -> Result<Option<Cart>, Error> {
        const OP: Operation = op(
            "deleteCartLineItem",
            "DELETE",
            "/carts/{cartId}/items/{itemId}",
        );
        let mut request = self
            .raw
            .delete_cart_line_item()
            .cart_id(id(&OP, "cart id", cart_id)?)
            .item_id(id(&OP, "item id", item_id)?);
        if let Some(list) = Include::join(include) {
            request = request.include(list);
        }
        match request.send().await {
            Ok(rv) => Ok(Some(rv.into_inner().data)),
            Err(e) => match classify(e).await {
                // The cart's last item removed: the cart is gone, and 204 says so.
                Failure::Undocumented { status: 204, .. } => Ok(None),
                failure => Ok(Some(
                    self.finish_failure::<crate::raw::types::CartResponse>(&OP, failure)?
                        .data,
                )),
            },
        }
    }

    /// Creates single-use URLs that send the shopper to the cart or its checkout
    /// (`createCartRedirectURL`).
    pub async fn create_cart_redirect_url(&self, cart_id: &str) -> Result<RedirectUrls, Error> {
        const OP: Operation = op(
            "createCartRedirectURL",
            "POST",
            "/carts/{cartId}/redirect_urls",
        );
        let request = self
            .raw
            .create_cart_redirect_url()
            .cart_id(id(&OP, "cart id", cart_id)?);
        Ok(self.finish(&OP, request.send().await).await?.data)
    }

    /// Turns what a raw builder's `send()` returned into the success body or this crate's
    /// [`Error`]: error documents become [`Error::Api`] with BigCommerce's title and per-field
    /// messages; a success status the spec does not declare for the operation is decoded all the
    /// same. Works for every operation of the raw client, so a new operation in the
    /// spec is usable with typed errors and retries before it gets a method here.
    ///
    /// ```no_run
    /// # async fn run(client: &bigcommerce_carts::Client) -> Result<(), bigcommerce_carts::Error> {
    /// use bigcommerce_carts::Operation;
    /// const OP: Operation = Operation { id: "getCart", method: "GET", path: "/carts/{cartId}" };
    /// let response = client.raw().get_cart().cart_id("c1").send().await;
    /// let cart = client.finish(&OP, response).await?.data;
    /// # Ok(()) }
    /// ```
    pub async fn finish<T: serde::de::DeserializeOwned>(
        &self,
        operation: &Operation,
        result: Result<ResponseValue<T>, progenitor_client::Error<ErrorResponse>>,
    ) -> Result<T, Error> {
        match result {
            Ok(rv) => Ok(rv.into_inner()),
            Err(e) => self.finish_failure(operation, classify(e).await),
        }
    }

    /// [`Client::finish`] for a call that failed, classified by the shared
    /// [`api_runtime::failure::classify`].
    fn finish_failure<T: serde::de::DeserializeOwned>(
        &self,
        operation: &Operation,
        failure: Failure<ErrorResponse>,
    ) -> Result<T, Error> {
        let transport = |t: failure::Transport| Error::Transport {
            operation: *operation,
            kind: t.kind,
            message: t.message,
        };
        Err(match failure {
            Failure::Documented(rv) => {
                let status = rv.status().as_u16();
                let retry_after = api_runtime::retry::retry_after_secs(rv.headers());
                Error::Api(Box::new(ApiError::new(
                    operation,
                    status,
                    retry_after,
                    Some(rv.into_inner()),
                    &[],
                )))
            }
            // A success status the spec does not list for the operation (200 for a 201, say):
            // decode the body anyway, as the Big Cartel client does; an empty body is `null`.
            Failure::Undocumented { status, body, .. } if (200..300).contains(&status) => {
                let body = body.map_err(transport)?;
                let body: &[u8] = if body.is_empty() { b"null" } else { &body };
                return serde_json::from_slice(body).map_err(|e| Error::Decode {
                    operation: *operation,
                    message: format!(
                        "the undeclared {status} answer is not the expected body: {e}"
                    ),
                });
            }
            Failure::Undocumented {
                status,
                retry_after,
                body,
            } => Error::Api(Box::new(ApiError::new(
                operation,
                status,
                retry_after,
                None,
                &body.unwrap_or_default(),
            ))),
            Failure::Transport(t) => transport(t),
            Failure::InvalidRequest(message) => Error::InvalidInput {
                operation: *operation,
                message,
            },
            Failure::InvalidPayload { body_len, message } => Error::Decode {
                operation: *operation,
                message: format!("{message} (body of {body_len} bytes)"),
            },
        })
    }
}

const fn op(id: &'static str, method: &'static str, path: &'static str) -> Operation {
    Operation { id, method, path }
}

/// A path id must be non-empty: `/carts/` would address another resource.
fn id<'a>(operation: &Operation, what: &str, value: &'a str) -> Result<&'a str, Error> {
    if value.trim().is_empty() {
        return Err(Error::InvalidInput {
            operation: *operation,
            message: format!("the {what} is empty"),
        });
    }
    Ok(value)
}

impl ClientBuilder {
    /// The API gateway (default `https://api.bigcommerce.com`); the client adds
    /// `/stores/{store_hash}/v3`. Plain `http` is accepted only for loopback addresses (a local
    /// mock server), so the token never crosses a network unencrypted.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The User-Agent (default `bigcommerce-carts-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The whole-request timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed requests are retried (see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client, Error> {
        api_runtime::check_base_url(&self.base_url).map_err(Error::Config)?;
        let hash = self.store_hash.trim();
        if hash.is_empty()
            || !hash
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::Config(format!(
                "the store hash {hash:?} is not a store hash (letters and digits, from the API path /stores/{{store_hash}}/v3)"
            )));
        }
        if self.token.expose().trim().is_empty() {
            return Err(Error::Config("the access token is empty".into()));
        }
        if HeaderValue::from_str(self.token.expose()).is_err() {
            return Err(Error::Config(
                "the access token contains characters not allowed in a header".into(),
            ));
        }
        let user_agent = HeaderValue::from_str(self.user_agent.trim()).map_err(|_| {
            Error::Config("the User-Agent contains characters not allowed in a header".into())
        })?;
        // The workspace's shared setup: no redirects (one would carry the store's token to wherever it
        // points), rustls with ring.
        #[cfg(not(target_arch = "wasm32"))]
        let http = api_runtime::http_client_builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout);
        #[cfg(target_arch = "wasm32")]
        let http = api_runtime::http_client_builder();
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
        let stats = Arc::new(TransportStats::default());
        let transport = Transport {
            token: self.token,
            user_agent,
            retry: self.retry,
            stats: stats.clone(),
        };
        let base = format!("{}/stores/{hash}/v3", self.base_url.trim_end_matches('/'));
        Ok(Client {
            raw: RawClient::new_with_client(&base, http, transport),
            stats,
            store_hash: hash.to_string(),
        })
    }
}
