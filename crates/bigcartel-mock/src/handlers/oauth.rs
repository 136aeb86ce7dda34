//! OAuth: the token exchange and deauthorization, answered as the API answers them.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) fn oauth_error(status: u16, error: &str, description: &str) -> Outcome {
    Outcome::read(Reply::oauth(
        status,
        json!({"error": error, "error_description": description}),
    ))
}

/// Reads OAuth parameters from a form or JSON body, falling back to the query.
pub(super) fn oauth_params(call: &Call) -> Result<Vec<(String, String)>, Outcome> {
    let ct = call.content_type.unwrap_or("").to_ascii_lowercase();
    let mut params: Vec<(String, String)> = call.query.to_vec();
    if call.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(params);
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        params.extend(
            form_urlencoded::parse(call.body).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    } else if ct.starts_with("application/json") || ct.starts_with(MEDIA_TYPE) {
        let v: Value = serde_json::from_slice(call.body).map_err(|_| {
            oauth_error(
                400,
                "invalid_request",
                "The request body is not valid JSON.",
            )
        })?;
        let obj = v.as_object().ok_or_else(|| {
            oauth_error(
                400,
                "invalid_request",
                "The request body must be a JSON object.",
            )
        })?;
        for (k, v) in obj {
            match v {
                Value::String(s) => params.push((k.clone(), s.clone())),
                Value::Number(n) => params.push((k.clone(), n.to_string())),
                Value::Null => {}
                _ => {
                    return Err(oauth_error(
                        400,
                        "invalid_request",
                        "OAuth parameters must be strings.",
                    ));
                }
            }
        }
    } else {
        return Err(Outcome::read(Reply::oauth(
            415,
            json!({"error": "invalid_request", "error_description": "Send application/x-www-form-urlencoded or application/json."}),
        )));
    }
    Ok(params)
}

pub(super) fn create_token(store: &mut Store, call: &Call) -> Outcome {
    let params = match oauth_params(call) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let get = |key: &str| {
        params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let (Some(client_id), Some(client_secret), Some(code)) =
        (get("client_id"), get("client_secret"), get("code"))
    else {
        return oauth_error(
            400,
            "invalid_request",
            "client_id, client_secret and code are required.",
        );
    };
    if client_id != call.cfg.client_id {
        return oauth_error(
            401,
            "invalid_client_id",
            "The client_id you specified is invalid.",
        );
    }
    if client_secret != call.cfg.client_secret {
        return oauth_error(
            401,
            "invalid_client_secret",
            "The client_secret you specified is invalid.",
        );
    }
    if let Some(uri) = get("redirect_uri")
        && !uri.contains(':')
    {
        return oauth_error(
            400,
            "invalid_redirect_uri",
            "The redirect_uri you specified is invalid.",
        );
    }
    if code != call.cfg.oauth_code {
        return oauth_error(
            400,
            "invalid_grant",
            "The authorization code is invalid or has expired.",
        );
    }
    store.token_counter += 1;
    let mut rng = fastrand::Rng::with_seed(
        call.cfg.seed ^ store.token_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let token = format!("bcmock_{:016x}{:016x}", rng.u64(..), rng.u64(..));
    store.issued_tokens.insert(token.clone());
    store.tick();
    let account_id = serde_json::Number::from(store.account.id);
    Outcome {
        reply: Reply::oauth(
            200,
            json!({"access_token": token, "token_type": "bearer", "account_id": account_id}),
        ),
        effects: vec![write("tokens", WriteKind::Create)],
    }
}

pub(super) fn deauthorize(store: &mut Store, call: &Call) -> Outcome {
    let unauthorized = |error: &str| {
        let mut o = oauth_error(
            401,
            error,
            "Use HTTP Basic authentication with your client_id and client_secret.",
        );
        o.reply.www_authenticate = true;
        o
    };
    let Some((user, pass)) = &call.basic else {
        return unauthorized("invalid_client_id");
    };
    if *user != call.cfg.client_id {
        return unauthorized("invalid_client_id");
    }
    if *pass != call.cfg.client_secret {
        return unauthorized("invalid_client_secret");
    }
    let account_ok = call
        .route
        .account_id
        .as_deref()
        .and_then(|a| a.parse::<u64>().ok())
        .is_some_and(|a| a == store.account.id);
    if !account_ok {
        return oauth_error(
            404,
            "not_found",
            "No account with that id is connected to this application.",
        );
    }
    store.issued_tokens.clear();
    store.static_token_revoked = true;
    store.tick();
    Outcome {
        reply: Reply::no_content(),
        effects: vec![
            write("tokens", WriteKind::Delete),
            webhook(
                "account.deauthorized",
                json!({"id": store.account.id.to_string()}),
            ),
        ],
    }
}
