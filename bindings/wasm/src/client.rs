//! `Client` and `OAuthApp`: construction from an options object. The per-operation methods of
//! `Client` are generated (`generated.rs`).

use crate::convert::{error, promise};
use crate::errors::{object, opt_str};
use bigcartel::Error;
use js_sys::{Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const OPTIONS: &str = r#"
/** Who the application is, its credentials, and the core's settings (`ClientSettings`). */
export interface ClientOptions extends ClientSettings {
  /** Required: your application's name and a contact URL or email ("MyApp (me@example.com)").
   * Browsers replace it with their own User-Agent; every other runtime sends it. */
  userAgent: string;
  /** An OAuth access token. */
  token?: string;
  /** HTTP Basic: your shop's subdomain and password (personal projects only). */
  basic?: { username: string; password: string };
}

/** How a `...Stream` method pages through a list. */
export interface PageOptions {
  /** Items per request (`page[limit]`, default 100). */
  pageSize?: number;
  /** Pages fetched at once once the total is known (default 1). */
  concurrency?: number;
  /** Where to start (`page[offset]`, default 0). */
  startOffset?: number;
  /** At most this many requests (default 20000); past it the stream throws a `PagingError`. */
  maxPages?: number;
  /** At most this many items (default 1000000); past it the stream throws a `PagingError`. */
  maxItems?: number;
}

/** A page of a list. */
export interface Page<T> {
  /** The resolved items, in the order the API sent them. */
  items: T[];
  /** How many items match in total, when the API says. */
  total: number | null;
  /** The next page's URL, null on the last page. */
  next: string | null;
  /** Whether the document had a `links` object at all (some lists are not paginated). */
  has_links: boolean;
  /** The document's `links`, as sent. */
  links: Record<string, unknown> | null;
  /** The document's `meta`, as sent (`count` included, whatever its type). */
  meta: Record<string, unknown> | null;
}

/** An OAuth application's settings. */
export interface OAuthAppOptions {
  clientId: string;
  clientSecret: string;
  /** Your application's name and a contact URL or email. */
  userAgent: string;
  /** Where users are sent after authorizing (must match the app settings). */
  redirectUri?: string;
  /** The API's base URL (default `https://api.bigcartel.com`). */
  baseUrl?: string;
  /** The authorize page (default `https://my.bigcartel.com/oauth/authorize`). */
  authorizeEndpoint?: string;
}

/** The answer to an OAuth code exchange. */
export interface OAuthToken {
  access_token: string;
  token_type: string | null;
  account_id: string | null;
}
"#;

fn config(message: String) -> JsValue {
    error(Error::Config(message))
}

/// Reads an optional string property; `null` and `undefined` are absent.
fn string_prop(obj: &JsValue, key: &str, path: &str) -> Result<Option<String>, JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(key))?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    // The message names the property, never its value (it may be a credential).
    v.as_string()
        .map(Some)
        .ok_or_else(|| config(format!("`{path}{key}` must be a string")))
}

fn required_prop(obj: &JsValue, key: &str, path: &str) -> Result<String, JsValue> {
    string_prop(obj, key, path)?.ok_or_else(|| config(format!("`{path}{key}` is required")))
}

/// A property as JSON would hold it: `None` for `undefined` and `null`.
fn present(object: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    let v = Reflect::get(object, &JsValue::from_str(key))?;
    Ok((!v.is_undefined() && !v.is_null()).then_some(v))
}

/// A text option of [`bigcartel::ClientOptions`] (the generated `read_client_options` calls it).
pub(crate) fn text_option(object: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    string_prop(object, key, "options.")
}

/// A whole, non-negative number no larger than `max`.
fn whole_option(object: &JsValue, key: &str, max: f64) -> Result<Option<f64>, JsValue> {
    match present(object, key)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= max => Ok(Some(n)),
            _ => Err(config(format!(
                "`options.{key}` must be a whole number from 0 to {max}"
            ))),
        },
    }
}

/// A count option (`maxRetries`).
pub(crate) fn u32_option(object: &JsValue, key: &str) -> Result<Option<u32>, JsValue> {
    Ok(whole_option(object, key, f64::from(u32::MAX))?.map(|n| n as u32))
}

/// A size or milliseconds option; JavaScript numbers are exact up to 2^53.
pub(crate) fn u64_option(object: &JsValue, key: &str) -> Result<Option<u64>, JsValue> {
    Ok(whole_option(object, key, 9_007_199_254_740_991.0)?.map(|n| n as u64))
}

fn require_object(value: &JsValue, what: &str) -> Result<(), JsValue> {
    if value.is_object() {
        Ok(())
    } else {
        Err(config(format!("{what} must be an object")))
    }
}

/// A Big Cartel API client: one method per operation of the API, each returning a `Promise` of
/// resolved models; errors are `ApiError`, `TransportError`, ... (see `errors.d.ts`).
#[wasm_bindgen]
pub struct Client {
    inner: Rc<bigcartel::Client>,
}

#[wasm_bindgen]
impl Client {
    /// A client; throws a `ConfigError` when the options are wrong (no User-Agent, no credentials,
    /// plain http to a non-loopback address...).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        require_object(&options, "options")?;
        let user_agent = required_prop(&options, "userAgent", "options.")?;
        let mut builder = bigcartel::Client::builder(user_agent);
        if let Some(token) = string_prop(&options, "token", "options.")? {
            builder = builder.bearer(token);
        }
        let basic = Reflect::get(&options, &JsValue::from_str("basic"))?;
        if !basic.is_undefined() && !basic.is_null() {
            require_object(&basic, "`options.basic`")?;
            builder = builder.basic(
                required_prop(&basic, "username", "options.basic.")?,
                required_prop(&basic, "password", "options.basic.")?,
            );
        }
        let builder = crate::generated::read_client_options(&options)?.apply(builder);
        let inner = builder.build().map_err(error)?;
        Ok(Client {
            inner: Rc::new(inner),
        })
    }

    /// The account id: the configured one, or the first account `GET /v1/accounts` lists.
    #[wasm_bindgen(js_name = accountId, unchecked_return_type = "Promise<string>")]
    pub fn account_id(&self) -> Promise {
        let client = self.core();
        promise(async move { Ok(client.account_id().await.map_err(error)?.into()) })
    }

    /// Requests sent and retries performed so far by this client.
    #[wasm_bindgen(unchecked_return_type = "{ attempts: number; retries: number }")]
    pub fn stats(&self) -> JsValue {
        let (attempts, retries) = self.inner.stats();
        object(&[
            ("attempts", (attempts as f64).into()),
            ("retries", (retries as f64).into()),
        ])
        .into()
    }
}

impl Client {
    /// The core client, shared with the futures of pending calls.
    pub(crate) fn core(&self) -> Rc<bigcartel::Client> {
        self.inner.clone()
    }
}

/// An OAuth application: the authorize URL, `state` checks, code exchange and deauthorization.
#[wasm_bindgen]
pub struct OAuthApp {
    inner: Rc<bigcartel::oauth::OAuthApp>,
}

#[wasm_bindgen]
impl OAuthApp {
    /// An app with its credentials from the app settings.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "OAuthAppOptions")] options: JsValue,
    ) -> Result<OAuthApp, JsValue> {
        require_object(&options, "options")?;
        let mut app = bigcartel::oauth::OAuthApp::new(
            required_prop(&options, "clientId", "options.")?,
            required_prop(&options, "clientSecret", "options.")?,
            required_prop(&options, "userAgent", "options.")?,
        );
        if let Some(uri) = string_prop(&options, "redirectUri", "options.")? {
            app = app.redirect_uri(uri);
        }
        if let Some(url) = string_prop(&options, "baseUrl", "options.")? {
            app = app.base_url(url);
        }
        if let Some(url) = string_prop(&options, "authorizeEndpoint", "options.")? {
            app = app.authorize_endpoint(url);
        }
        Ok(OAuthApp {
            inner: Rc::new(app),
        })
    }

    /// A fresh unguessable `state` value (256 random bits, hex).
    #[wasm_bindgen(js_name = newState)]
    pub fn new_state() -> String {
        bigcartel::oauth::OAuthApp::new_state()
    }

    /// Compares the `state` you stored with the one on the redirect, in constant time.
    #[wasm_bindgen(js_name = checkState)]
    pub fn check_state(expected: &str, received: &str) -> bool {
        bigcartel::oauth::OAuthApp::check_state(expected, received)
    }

    /// The URL to send a user to.
    #[wasm_bindgen(js_name = authorizeUrl)]
    pub fn authorize_url(&self, state: &str) -> String {
        self.inner.authorize_url(state)
    }

    /// Trades the `code` from the redirect for an access token.
    #[wasm_bindgen(js_name = exchangeCode, unchecked_return_type = "Promise<OAuthToken>")]
    pub fn exchange_code(&self, code: String) -> Promise {
        let app = self.inner.clone();
        promise(async move {
            let token = app.exchange_code(&code).await.map_err(error)?;
            Ok(object(&[
                ("access_token", token.access_token.expose().into()),
                ("token_type", opt_str(token.token_type.as_deref())),
                ("account_id", opt_str(token.account_id.as_deref())),
            ])
            .into())
        })
    }

    /// Revokes the app's access to an account.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn deauthorize(&self, account_id: String) -> Promise {
        let app = self.inner.clone();
        promise(async move {
            app.deauthorize(&account_id).await.map_err(error)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}
