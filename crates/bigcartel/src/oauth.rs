//! OAuth 2.0 for apps: the authorize URL, `state` generation and checking, the code-for-token
//! exchange, and deauthorization.

use crate::client::{check_base_url, http_client, other_error};
use crate::error::{ApiError, ApiErrorKind, Error, Operation};
use crate::generated_raw::Client as RawClient;
use crate::jsonapi::ErrorObject;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::{Auth, Transport, TransportStats};
use std::sync::Arc;
use std::time::Duration;

/// Where users are sent to grant access.
pub const AUTHORIZE_URL: &str = "https://my.bigcartel.com/oauth/authorize";

const TOKEN: Operation = Operation {
    id: "createToken",
    method: "POST",
    path: "/oauth/token",
};
const DEAUTHORIZE: Operation = Operation {
    id: "deauthorize",
    method: "POST",
    path: "/oauth/deauthorize/{account_id}",
};

/// An access token and the account it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The access token (redacted in Debug output).
    pub access_token: Secret,
    /// `bearer`.
    pub token_type: Option<String>,
    /// The account that authorized the app.
    pub account_id: Option<String>,
}

/// An OAuth application: its client id and secret, and where Big Cartel sends users back.
///
/// ```
/// use bigcartel::oauth::OAuthApp;
/// let app = OAuthApp::new("my-client-id", "my-client-secret", "MyApp (me@example.com)")
///     .redirect_uri("https://myapp.example/callback");
/// let state = OAuthApp::new_state();
/// let url = app.authorize_url(&state);
/// assert!(url.starts_with("https://my.bigcartel.com/oauth/authorize?client_id=my-client-id&response_type=code&state="));
/// assert!(OAuthApp::check_state(&state, &state));
/// assert!(!OAuthApp::check_state(&state, "forged"));
/// assert!(!format!("{app:?}").contains("my-client-secret"));
/// ```
#[derive(Debug, Clone)]
pub struct OAuthApp {
    client_id: String,
    client_secret: Secret,
    user_agent: String,
    redirect_uri: Option<String>,
    authorize_url: String,
    base_url: String,
}

impl OAuthApp {
    /// An app with its credentials from the app settings, and the User-Agent the API requires.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        user_agent: impl Into<String>,
    ) -> Self {
        OAuthApp {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            user_agent: user_agent.into(),
            redirect_uri: None,
            authorize_url: AUTHORIZE_URL.into(),
            base_url: crate::client::DEFAULT_BASE_URL.into(),
        }
    }

    /// Where users are sent after authorizing (must match the app settings).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// The API base URL for the token exchange and deauthorization (a mock server, say).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The authorization page URL (a mock server's, say).
    pub fn authorize_endpoint(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = url.into();
        self
    }

    /// A fresh unguessable `state` value (256 bits from the OS's secure random source, hex).
    pub fn new_state() -> String {
        let mut bytes = [0u8; 32];
        // Without a secure random source there is no safe state: failing loudly is right.
        getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Compares the `state` you stored with the one on the redirect, in constant time.
    pub fn check_state(expected: &str, received: &str) -> bool {
        use subtle::ConstantTimeEq;
        expected.len() == received.len()
            && bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
    }

    /// The URL to send a user to: `client_id`, `response_type=code`, `state` and `redirect_uri`.
    pub fn authorize_url(&self, state: &str) -> String {
        let mut url = url::Url::parse(&self.authorize_url)
            .unwrap_or_else(|_| url::Url::parse(AUTHORIZE_URL).expect("constant URL parses"));
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.client_id)
                .append_pair("response_type", "code")
                .append_pair("state", state);
            if let Some(r) = &self.redirect_uri {
                q.append_pair("redirect_uri", r);
            }
        }
        url.into()
    }

    fn raw(&self, auth: Auth) -> Result<RawClient, Error> {
        check_base_url(&self.base_url)?;
        let user_agent = reqwest::header::HeaderValue::from_str(self.user_agent.trim())
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::Config("a valid User-Agent is required".into()))?;
        let transport = Transport {
            auth,
            user_agent,
            // Both calls are POSTs: only connection failures are retried.
            retry: RetryPolicy::default(),
            stats: Arc::new(TransportStats::default()),
        };
        let http = http_client(Duration::from_secs(30), Duration::from_secs(10))?;
        Ok(RawClient::new_with_client(
            self.base_url.trim_end_matches('/'),
            http,
            transport,
        ))
    }

    /// Trades the `code` from the redirect for an access token.
    pub async fn exchange_code(&self, code: &str) -> Result<Token, Error> {
        let body = crate::generated_raw::types::TokenRequest {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.expose().to_string(),
            code: code.to_string(),
            redirect_uri: self.redirect_uri.clone(),
        };
        let raw = self.raw(Auth::None)?;
        match raw.create_token().body(body).send().await {
            Ok(rv) => {
                let t = rv.into_inner();
                Ok(Token {
                    access_token: Secret::new(t.access_token),
                    token_type: t.token_type,
                    account_id: t.account_id.map(|a| a.to_string()),
                })
            }
            Err(e) => Err(oauth_error(&TOKEN, e).await),
        }
    }

    /// Revokes the app's access to an account (HTTP Basic with the client id and secret).
    pub async fn deauthorize(&self, account_id: &str) -> Result<(), Error> {
        let raw = self.raw(Auth::Basic {
            username: self.client_id.clone(),
            password: self.client_secret.clone(),
        })?;
        match raw.deauthorize().account_id(account_id).send().await {
            Ok(_) => Ok(()),
            Err(progenitor_client::Error::UnexpectedResponse(r)) if r.status().is_success() => {
                Ok(())
            }
            Err(e) => Err(oauth_error(&DEAUTHORIZE, e).await),
        }
    }
}

async fn oauth_error(
    op: &Operation,
    e: progenitor_client::Error<crate::generated_raw::types::OAuthError>,
) -> Error {
    let rv = match other_error(op, e).await {
        Ok(err) => return err,
        Err(rv) => rv,
    };
    let status = rv.status().as_u16();
    let err = rv.into_inner();
    Error::Api(ApiError {
        status,
        kind: ApiErrorKind::from_status(status),
        operation: *op,
        errors: vec![ErrorObject {
            status: Some(status.to_string()),
            code: err.error.clone(),
            title: err.error,
            detail: err.error_description,
            source: None,
        }],
        body_excerpt: None,
        retry_after: None,
    })
}
