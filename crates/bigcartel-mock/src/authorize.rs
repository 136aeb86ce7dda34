//! The OAuth authorize page (`GET /oauth/authorize`), as Big Cartel shows it on
//! `my.bigcartel.com`: the shop owner sees which app asks for access and answers Allow or Deny;
//! either way the browser is sent back to the app's `redirect_uri` with the `state` it came with,
//! and `code` (the mock's `oauth_code`, which `POST /oauth/token` accepts) or
//! `error=access_denied`.
//!
//! Plain HTML with a form, no script: it works in any browser and in tests that post the form.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::app::App;

/// The authorize page's query (and, posted back, its form).
#[derive(Debug, Deserialize)]
struct AuthorizeParams {
    client_id: Option<String>,
    response_type: Option<String>,
    state: Option<String>,
    redirect_uri: Option<String>,
    /// `allow` or `deny` (the form's buttons).
    decision: Option<String>,
}

/// `GET` shows the question, `POST` (the form) answers it.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new().route("/oauth/authorize", get(page).post(decide))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn bad(message: &str) -> Box<Response> {
    Box::new((
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><title>Authorization error</title><h1>Authorization error</h1><p>{}</p>",
            escape(message)
        )),
    )
        .into_response())
}

/// The redirect target, checked: only an http(s) URL is followed (anything else would let a
/// crafted link send the browser to a `javascript:` URL).
fn redirect_target(p: &AuthorizeParams, app: &App) -> Result<url::Url, Box<Response>> {
    if p.client_id.as_deref() != Some(app.cfg.client_id.as_str()) {
        return Err(bad("Unknown client_id."));
    }
    if p.response_type.as_deref() != Some("code") {
        return Err(bad("response_type must be code."));
    }
    let uri = p
        .redirect_uri
        .as_deref()
        .ok_or_else(|| bad("redirect_uri is required."))?;
    let url = url::Url::parse(uri).map_err(|_| bad("redirect_uri is not a URL."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("redirect_uri must be http or https."));
    }
    Ok(url)
}

async fn page(State(app): State<Arc<App>>, Query(p): Query<AuthorizeParams>) -> Response {
    if let Err(r) = redirect_target(&p, &app) {
        return *r;
    }
    let hidden = |name: &str, value: &Option<String>| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(value.as_deref().unwrap_or(""))
        )
    };
    let subdomain = escape(&app.cfg.subdomain);
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize application</title></head>
<body>
<h1>Authorize application</h1>
<p>The application <strong id="client">{client}</strong> asks to manage orders and products of
your shop <strong id="shop">{subdomain}</strong> (account {account}).</p>
<form method="post" action="/oauth/authorize">
{h1}{h2}{h3}{h4}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
</body></html>"#,
        client = escape(&app.cfg.client_id),
        account = app.cfg.account_id,
        h1 = hidden("client_id", &p.client_id),
        h2 = hidden("response_type", &p.response_type),
        h3 = hidden("state", &p.state),
        h4 = hidden("redirect_uri", &p.redirect_uri),
    ))
    .into_response()
}

async fn decide(
    State(app): State<Arc<App>>,
    axum::Form(p): axum::Form<AuthorizeParams>,
) -> Response {
    let mut url = match redirect_target(&p, &app) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    {
        let mut query = url.query_pairs_mut();
        match p.decision.as_deref() {
            Some("allow") => query.append_pair("code", &app.cfg.oauth_code),
            Some("deny") => query.append_pair("error", "access_denied"),
            _ => return *bad("Choose Allow or Deny."),
        };
        if let Some(state) = &p.state {
            query.append_pair("state", state);
        }
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, url.to_string())]).into_response()
}
