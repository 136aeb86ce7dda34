//! The service's web front: the connect flow, the webhook endpoint for every merchant, the
//! merchants' status pages and the operators' page.
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /` | merchant | the connect page: merchant id in |
//! | `POST /connect` | merchant | a `state` bound to the merchant (and to this browser by a cookie), then Big Cartel's authorize page |
//! | `GET /oauth/callback` | Big Cartel | `state` checked in constant time, code exchanged, token sealed and stored, the status link shown |
//! | `GET /m/<key>` | merchant | their status (the unguessable link from the callback page) |
//! | `POST /m/<key>/disconnect` | merchant | deauthorize, token deleted |
//! | `POST /webhooks` | Big Cartel | signature first, then routed by account id |
//! | `GET /ops` | operators | every merchant (bearer token or Basic password) |

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use bigcartel::oauth::OAuthApp;
use bigcartel::{Secret, WebhookEvent};
use serde::Deserialize;

use super::html::{self, escape, page};
use super::{Connected, Merchant, Merchants, ServiceError, TokenCipher, mask_token};
use crate::ledger::now_ms;
use crate::store::LedgerStore;

/// The cookie that ties an OAuth `state` to the browser that asked for it.
const STATE_COOKIE: &str = "bcf_oauth_state";
/// How long a connect attempt may take on Big Cartel's side.
const STATE_MAX_AGE: Duration = Duration::from_secs(3600);

/// The web front's settings.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// The service's address as browsers and Big Cartel reach it (`https://fulfil.example`);
    /// the OAuth redirect URI is this plus `/oauth/callback`.
    pub public_url: String,
    /// The OAuth client id.
    pub client_id: String,
    /// The OAuth client secret (token exchange, deauthorization, webhook signatures).
    pub client_secret: Secret,
    /// The Big Cartel API base URL.
    pub api_base_url: String,
    /// Big Cartel's authorize page.
    pub authorize_url: String,
    /// The User-Agent of Big Cartel requests.
    pub user_agent: String,
    /// The operators' bearer token (or Basic password).
    pub operator_token: Secret,
}

struct Web {
    merchants: Merchants,
    cipher: TokenCipher,
    oauth: OAuthApp,
    options: WebOptions,
}

/// The web front as an axum router.
pub fn router(merchants: Merchants, cipher: TokenCipher, options: WebOptions) -> Router {
    let oauth = OAuthApp::new(
        options.client_id.clone(),
        options.client_secret.clone(),
        options.user_agent.clone(),
    )
    .redirect_uri(format!(
        "{}/oauth/callback",
        options.public_url.trim_end_matches('/')
    ))
    .base_url(options.api_base_url.clone())
    .authorize_endpoint(options.authorize_url.clone());
    let web = Arc::new(Web {
        merchants,
        cipher,
        oauth,
        options,
    });
    Router::new()
        .route("/", get(connect_page))
        .route("/connect", post(connect))
        .route("/oauth/callback", get(callback))
        .route("/m/{key}", get(merchant_page))
        .route("/m/{key}/disconnect", post(disconnect))
        .route("/webhooks", post(webhook))
        .route("/ops", get(operators_page))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(web)
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let mut r = (status, Html(page(title, body))).into_response();
    // The pages hold status links and account details: not for shared caches, never framed.
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action *"),
    );
    r
}

fn internal(e: ServiceError) -> Response {
    tracing::error!(error = %e, "request failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p>The service could not complete this request. Try again in a moment.</p>",
    )
}

const CONNECT_FORM: &str = "<form method=\"post\" action=\"/connect\" class=\"box\">\
<label for=\"merchant_id\">Your merchant id</label><br>\
<input id=\"merchant_id\" name=\"merchant_id\" required maxlength=\"64\" pattern=\"[A-Za-z0-9._\\-]+\" autofocus> \
<button type=\"submit\" id=\"connect\">Connect</button></form>";

async fn connect_page() -> Response {
    html(
        StatusCode::OK,
        "Connect your Big Cartel shop",
        &format!(
            "<p>Enter the merchant id we gave you and click Connect. Big Cartel asks you to allow \
             access; you then come back here and see what was connected.</p>{CONNECT_FORM}"
        ),
    )
}

#[derive(Deserialize)]
struct ConnectForm {
    merchant_id: String,
}

async fn connect(
    State(web): State<Arc<Web>>,
    axum::Form(form): axum::Form<ConnectForm>,
) -> Response {
    let merchant = form.merchant_id.trim();
    if !super::valid_merchant_id(merchant) {
        return html(
            StatusCode::BAD_REQUEST,
            "Connect your Big Cartel shop",
            &format!(
                "<p class=\"warn\">A merchant id is 1 to 64 letters, digits, dots, dashes or \
                 underscores.</p>{CONNECT_FORM}"
            ),
        );
    }
    let state = match web.merchants.new_oauth_state(merchant).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let secure = if web.options.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{STATE_COOKIE}={state}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        STATE_MAX_AGE.as_secs()
    );
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    if let (Ok(loc), Ok(c)) = (
        HeaderValue::from_str(&web.oauth.authorize_url(&state)),
        HeaderValue::from_str(&cookie),
    ) {
        h.insert(header::LOCATION, loc);
        h.insert(header::SET_COOKIE, c);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let refused = |why: &str| {
        html(
            StatusCode::BAD_REQUEST,
            "Not connected",
            &format!(
                "<p class=\"warn\">{}</p><p><a href=\"/\">Start again</a></p>",
                escape(why)
            ),
        )
    };
    let Some(state) = q.state.as_deref() else {
        return refused("The answer from Big Cartel has no state.");
    };
    // The state must come back to the browser that asked for it (constant-time comparison),
    // then is consumed: it names the merchant and works once.
    let same_browser =
        cookie(&headers, STATE_COOKIE).is_some_and(|c| OAuthApp::check_state(c, state));
    if !same_browser {
        return refused("This answer does not belong to a connection started in this browser.");
    }
    let merchant = match web.merchants.take_oauth_state(state, STATE_MAX_AGE).await {
        Ok(Some(m)) => m,
        Ok(None) => return refused("This connection attempt is unknown, used or expired."),
        Err(e) => return internal(e),
    };
    let mut response = match (q.error.as_deref(), q.code.as_deref()) {
        (Some(error), _) => html(
            StatusCode::OK,
            "Not connected",
            &format!(
                "<p id=\"outcome\">Access was not granted ({}). Merchant <strong>{}</strong> is \
                 not connected.</p><p><a href=\"/\">Try again</a></p>",
                escape(error),
                escape(&merchant)
            ),
        ),
        (None, Some(code)) => match finish_connect(&web, &merchant, code).await {
            Ok(r) => r,
            Err(e) => return internal(e),
        },
        (None, None) => refused("The answer from Big Cartel has neither a code nor an error."),
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{STATE_COOKIE}=; Path=/oauth; Max-Age=0")) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

async fn finish_connect(web: &Web, merchant: &str, code: &str) -> Result<Response, ServiceError> {
    let token = match web.oauth.exchange_code(code).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(merchant, error = %e, "code exchange failed");
            return Ok(html(
                StatusCode::BAD_GATEWAY,
                "Not connected",
                "<p class=\"warn\">Big Cartel did not accept the authorization. Try again.</p>\
                 <p><a href=\"/\">Start again</a></p>",
            ));
        }
    };
    let account_id = match token.account_id.clone() {
        Some(a) => a,
        None => {
            let client = bigcartel::Client::builder(web.options.user_agent.clone())
                .base_url(web.options.api_base_url.clone())
                .bearer(token.access_token.clone())
                .build()
                .map_err(|e| ServiceError::Config(e.to_string()))?;
            match client.account_id().await {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(merchant, error = %e, "finding the account failed");
                    return Ok(html(
                        StatusCode::BAD_GATEWAY,
                        "Not connected",
                        "<p class=\"warn\">Big Cartel did not say which shop was connected. Try again.</p>",
                    ));
                }
            }
        }
    };
    let sealed = web.cipher.seal(merchant, &token.access_token)?;
    let outcome = web
        .merchants
        .connect(merchant, &account_id, &sealed)
        .await?;
    Ok(match outcome {
        Connected::Stored {
            status_key,
            replaced,
        } => {
            let link = format!(
                "{}/m/{status_key}",
                web.options.public_url.trim_end_matches('/')
            );
            html(
                StatusCode::OK,
                "Connected",
                &format!(
                    "<p id=\"outcome\" class=\"ok\">Merchant <strong id=\"merchant\">{m}</strong> is \
                     connected to Big Cartel account <strong id=\"account\">{a}</strong>{r}.</p>\
                     <table><tr><th>Access token</th><td id=\"token\">{t}</td></tr></table>\
                     <p>Your status page (keep this link: it is the only way in, and it changes \
                     when you connect again):<br><a id=\"status-link\" href=\"{l}\">{l}</a></p>",
                    m = escape(merchant),
                    a = escape(&account_id),
                    r = if replaced {
                        " (the earlier connection was replaced)"
                    } else {
                        ""
                    },
                    t = escape(&mask_token(&token.access_token)),
                    l = escape(&link),
                ),
            )
        }
        Connected::AccountTaken { .. } => html(
            StatusCode::CONFLICT,
            "Not connected",
            "<p class=\"warn\">This Big Cartel shop is already connected under another merchant \
             id. Contact us to move it.</p>",
        ),
        Connected::LedgerOfAnotherAccount { ledger } => html(
            StatusCode::CONFLICT,
            "Not connected",
            &format!(
                "<p class=\"warn\">Merchant {} has orders of another Big Cartel shop (account {}). \
                 Contact us to connect a different shop.</p>",
                escape(merchant),
                escape(&ledger)
            ),
        ),
    })
}

/// Status of one merchant (or of all): counts, attention, passes and the chart.
async fn status_sections(web: &Web, merchant: Option<&Merchant>) -> Result<String, ServiceError> {
    let mut out = String::new();
    let now = now_ms();
    let since = merchant
        .and_then(|m| m.connected_at)
        .unwrap_or(now - 86_400_000)
        .max(now - 86_400_000)
        .min(now - 60_000);
    let (submitted, shipped) = web
        .merchants
        .activity(merchant.map(|m| m.merchant_id.as_str()), since, now, 24)
        .await?;
    out.push_str("<h2>Orders submitted and shipped</h2>");
    out.push_str(&html::chart(&submitted, &shipped, since, now));
    if let Some(m) = merchant {
        let status = web.merchants.db().ledger(&m.merchant_id).status().await?;
        out.push_str("<h2>Orders by state</h2>");
        out.push_str(&html::counts_table(&status));
        out.push_str(&html::attention(&status, 200));
    }
    let passes = web
        .merchants
        .passes(merchant.map(|m| m.merchant_id.as_str()), 10)
        .await?;
    out.push_str("<h2>Last passes</h2>");
    out.push_str(&html::passes_table(&passes, merchant.is_none()));
    Ok(out)
}

async fn merchant_page(State(web): State<Arc<Web>>, Path(key): Path<String>) -> Response {
    let merchant = match web.merchants.by_status_key(&key).await {
        Ok(Some(m)) => m,
        Ok(None) => {
            return html(
                StatusCode::NOT_FOUND,
                "Not found",
                "<p>This status link is unknown or was replaced by a newer connection.</p>",
            );
        }
        Err(e) => return internal(e),
    };
    let mut body = format!(
        "<p>Merchant <strong id=\"merchant\">{}</strong> · Big Cartel account <strong id=\"account\">{}</strong> · \
         <span id=\"connection\">{}</span></p>",
        escape(&merchant.merchant_id),
        escape(merchant.account_id.as_deref().unwrap_or("—")),
        if merchant.connected {
            "connected"
        } else {
            "disconnected: no orders are sent"
        }
    );
    match status_sections(&web, Some(&merchant)).await {
        Ok(s) => body.push_str(&s),
        Err(e) => return internal(e),
    }
    if merchant.connected {
        let _ = write!(
            body,
            "<h2>Disconnect</h2><form method=\"post\" action=\"/m/{}/disconnect\" class=\"box\">\
             <p>Stops sending your orders and revokes our access to your shop.</p>\
             <button type=\"submit\" id=\"disconnect\">Disconnect</button></form>",
            escape(&key)
        );
    }
    html(StatusCode::OK, "Fulfillment status", &body)
}

async fn disconnect(State(web): State<Arc<Web>>, Path(key): Path<String>) -> Response {
    let merchant = match web.merchants.by_status_key(&key).await {
        Ok(Some(m)) => m,
        Ok(None) => return html(StatusCode::NOT_FOUND, "Not found", "<p>Unknown link.</p>"),
        Err(e) => return internal(e),
    };
    // The token goes first: whatever Big Cartel answers, no more work is done with it.
    let account = match web.merchants.disconnect(&merchant.merchant_id).await {
        Ok(a) => a,
        Err(e) => return internal(e),
    };
    let revoked = match &account {
        Some(a) => match web.oauth.deauthorize(a).await {
            Ok(()) => "Our access to your shop was revoked.".to_string(),
            Err(e) => {
                tracing::warn!(merchant = %merchant.merchant_id, error = %e, "deauthorize failed");
                "Big Cartel could not be told; you can also remove the app in your shop's settings."
                    .to_string()
            }
        },
        None => String::new(),
    };
    html(
        StatusCode::OK,
        "Disconnected",
        &format!(
            "<p id=\"outcome\">Merchant <strong>{}</strong> is disconnected: its token is deleted \
             and no more orders are sent. {}</p><p><a href=\"/m/{}\">Status page</a> · \
             <a href=\"/\">Connect again</a></p>",
            escape(&merchant.merchant_id),
            escape(&revoked),
            escape(&key)
        ),
    )
}

async fn webhook(State(web): State<Arc<Web>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get(bigcartel::webhook::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    let event = match bigcartel::verify_and_parse(
        web.options.client_secret.expose().as_bytes(),
        &body,
        signature,
    ) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "webhook refused");
            return StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
        }
    };
    let merchant = match web.merchants.by_account(event.account_id()).await {
        Ok(Some(m)) => m,
        Ok(None) => {
            tracing::info!(
                account = event.account_id(),
                "webhook for an account no merchant has connected; ignored"
            );
            return StatusCode::OK;
        }
        // Big Cartel retries a failed delivery.
        Err(e) => {
            tracing::error!(error = %e, "webhook: merchant look-up failed");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    };
    let result = match &event {
        WebhookEvent::AccountDeauthorized { .. } => web
            .merchants
            .disconnect(&merchant.merchant_id)
            .await
            .map(|_| tracing::info!(merchant = %merchant.merchant_id, "deauthorized: token deleted")),
        WebhookEvent::Unknown { event_type, .. } if event_type == "account.closed" => web
            .merchants
            .disconnect(&merchant.merchant_id)
            .await
            .map(|_| tracing::info!(merchant = %merchant.merchant_id, "account closed: token deleted")),
        WebhookEvent::OrderCreated { .. } | WebhookEvent::OrderUpdated { .. } => {
            web.merchants.wake(&merchant.merchant_id).await
        }
        _ => Ok(()),
    };
    match result {
        Ok(()) => StatusCode::OK,
        Err(e) => {
            tracing::error!(error = %e, "webhook handling failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Whether the request carries the operators' token: `Bearer <token>`, or Basic with it as the
/// password (what a browser's login prompt sends). Compared in constant time.
fn is_operator(headers: &HeaderMap, token: &Secret) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, rest)) = value.trim().split_once(' ') else {
        return false;
    };
    let given = if scheme.eq_ignore_ascii_case("bearer") {
        rest.trim().to_string()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(rest.trim()) else {
            return false;
        };
        let Ok(text) = String::from_utf8(raw) else {
            return false;
        };
        match text.split_once(':') {
            Some((_, password)) => password.to_string(),
            None => return false,
        }
    } else {
        return false;
    };
    OAuthApp::check_state(token.expose(), &given)
}

async fn operators_page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if !is_operator(&headers, &web.options.operator_token) {
        let mut r = html(
            StatusCode::UNAUTHORIZED,
            "Operators only",
            "<p>Sign in with the operators' credentials.</p>",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"operators\", charset=\"UTF-8\""),
        );
        return r;
    }
    let merchants = match web.merchants.list(1000).await {
        Ok(m) => m,
        Err(e) => return internal(e),
    };
    let mut rows = Vec::with_capacity(merchants.len());
    for m in merchants {
        let status = web
            .merchants
            .db()
            .ledger(&m.merchant_id)
            .status()
            .await
            .ok();
        rows.push((m, status));
    }
    let connected = rows.iter().filter(|(m, _)| m.connected).count();
    let mut body = format!(
        "<p><span id=\"merchant-count\">{}</span> merchants, {connected} connected.</p>",
        rows.len()
    );
    body.push_str(&html::merchants_table(&rows));
    match status_sections(&web, None).await {
        Ok(s) => body.push_str(&s),
        Err(e) => return internal(e),
    }
    html(StatusCode::OK, "Fulfillment service: operators", &body)
}
