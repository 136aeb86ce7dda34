//! OAuth 2.0 for apps: the authorize URL, `state` generation and checking, the code-for-token
//! exchange, and deauthorization.

use crate::client::{check_base_url, http_client};
use crate::error::{ApiError, ApiErrorKind, Error, Operation};
use crate::exchange::Request;
use crate::generated_raw::types::OAuthError;
use crate::jsonapi::ErrorObject;
use crate::retry::RetryPolicy;
use crate::transport::{Auth, Transport, TransportStats};
use api_runtime::Secret;
use std::sync::Arc;
use std::time::Duration;

/// The spec's `TokenResponse`, read with the decoders' lenient scalar reader: its `account_id`
/// is "a number or numeric string", which the generated type reads through an untagged enum,
/// and serde's buffering of untagged content is about 1 KB gzipped of the npm module for this
/// one field.
#[derive(serde::Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    account_id: Option<String>,
}

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
        let mut pairs = vec![
            ("client_id", self.client_id.as_str()),
            ("response_type", "code"),
            ("state", state),
        ];
        if let Some(r) = &self.redirect_uri {
            pairs.push(("redirect_uri", r));
        }
        api_runtime::weburl::with_query(&self.authorize_url, &pairs)
            .or_else(|_| api_runtime::weburl::with_query(AUTHORIZE_URL, &pairs))
            .unwrap_or_default()
    }

    /// Sends one of the two OAuth calls: both are POSTs, so only failed connections are retried.
    async fn post(
        &self,
        op: &Operation,
        path: &str,
        auth: Auth,
        form: Option<String>,
    ) -> Result<Vec<u8>, Error> {
        check_base_url(&self.base_url)?;
        let user_agent = reqwest::header::HeaderValue::from_str(self.user_agent.trim())
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::Config("a valid User-Agent is required".into()))?;
        let transport = Transport {
            auth,
            user_agent,
            retry: RetryPolicy::default(),
            stats: Arc::new(TransportStats::default()),
            max_body: crate::DEFAULT_MAX_RESPONSE_BYTES,
        };
        let http = http_client(Duration::from_secs(30), Duration::from_secs(10))?;
        let request = Request {
            op,
            url: format!("{}{path}", self.base_url.trim_end_matches('/')),
            json_api: false,
            body: form.map(|f| (f.into_bytes(), "application/x-www-form-urlencoded")),
        };
        let response = crate::exchange::send(&http, &transport, request).await?;
        // The documented OAuth error body: `{"error": .., "error_description": ..}`.
        if !crate::exchange::is_success(response.status)
            && let Ok(OAuthError {
                error: Some(code),
                error_description,
            }) = crate::jsonapi::from_bytes::<OAuthError>(&response.body)
        {
            return Err(Error::Api(ApiError {
                status: response.status,
                kind: ApiErrorKind::from_status(response.status),
                operation: *op,
                errors: vec![ErrorObject {
                    status: Some(response.status.to_string()),
                    code: Some(code.clone()),
                    title: Some(code),
                    detail: error_description,
                    source: None,
                }],
                body_excerpt: None,
                retry_after: None,
            }));
        }
        Ok(response.success(op)?.body)
    }

    /// Trades the `code` from the redirect for an access token.
    pub async fn exchange_code(&self, code: &str) -> Result<Token, Error> {
        // The serializer is not `Sync`: finished in a block of its own so that it is dropped
        // before the await, and the future stays `Send` (servers run it in their handlers).
        let form = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("client_id", &self.client_id)
                .append_pair("client_secret", self.client_secret.expose())
                .append_pair("code", code);
            if let Some(uri) = &self.redirect_uri {
                form.append_pair("redirect_uri", uri);
            }
            form.finish()
        };
        let body = self
            .post(&TOKEN, TOKEN.path, Auth::None, Some(form))
            .await?;
        let t: TokenBody = crate::jsonapi::from_bytes(&body).map_err(|e| Error::Decode {
            operation: TOKEN,
            status: 200,
            source: crate::jsonapi::DecodeError::Shape(format!("not a token response: {e}")),
        })?;
        Ok(Token {
            access_token: Secret::new(t.access_token),
            token_type: t.token_type,
            account_id: t.account_id,
        })
    }

    /// Revokes the app's access to an account (HTTP Basic with the client id and secret).
    pub async fn deauthorize(&self, account_id: &str) -> Result<(), Error> {
        let auth = Auth::Basic {
            username: self.client_id.clone(),
            password: self.client_secret.clone(),
        };
        let path = format!(
            "/oauth/deauthorize/{}",
            progenitor_client::encode_path(account_id)
        );
        self.post(&DEAUTHORIZE, &path, auth, None).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::TokenBody;
    use crate::generated_raw::types::TokenResponse;

    /// `TokenBody` reads what the spec's generated `TokenResponse` reads, and refuses what it
    /// refuses, with the same account id text.
    #[test]
    fn token_body_reads_as_the_spec_type() {
        let bodies = [
            r#"{"access_token":"t","token_type":"bearer","account_id":42}"#,
            r#"{"access_token":"t","account_id":"42"}"#,
            r#"{"access_token":"t","account_id":null}"#,
            r#"{"access_token":"t"}"#,
            r#"{"access_token":"t","account_id":-7,"extra":[1]}"#,
            r#"{"token_type":"bearer","account_id":1}"#,
            r#"{"access_token":"t","account_id":true}"#,
            r#"{"access_token":"t","account_id":{"id":1}}"#,
            r#"{"access_token":5}"#,
            r#"[]"#,
        ];
        for body in bodies {
            let ours = crate::jsonapi::from_bytes::<TokenBody>(body.as_bytes())
                .map(|t| (t.access_token, t.token_type, t.account_id));
            let spec = serde_json::from_str::<TokenResponse>(body).map(|t| {
                (
                    t.access_token,
                    t.token_type,
                    t.account_id.map(|a| a.to_string()),
                )
            });
            assert_eq!(ours.is_ok(), spec.is_ok(), "{body}");
            if let (Ok(a), Ok(b)) = (ours, spec) {
                assert_eq!(a, b, "{body}");
            }
        }
    }

    /// A body that is not UTF-8 is a parse error, not a panic.
    #[test]
    fn non_utf8_body_is_an_error() {
        let err = crate::jsonapi::from_bytes::<TokenBody>(b"{\"access_token\":\"\xff\"}")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("the body is not UTF-8: invalid byte at offset 17")
        );
    }
}
