//! The client against a hostile server: one local server, many behaviours (chosen by the account
//! id in the path). Every case must end in a typed error, in bounded time and memory.
//!
//! - redirects (to another host, carrying what the client sent) are never followed;
//! - a huge body stops being read at the configured cap;
//! - endless paging (fresh pages forever, or the same page again) stops with a paging error;
//! - a body that trickles stops at the timeout;
//! - terminal escape sequences in an error never reach the error's message.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use bigcartel::oauth::OAuthApp;
use bigcartel::{ApiErrorKind, Client, Error, PageOptions, RetryPolicy, TransportKind};
use futures::TryStreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const UA: &str = "HostileTest (test@example.com)";
const TOKEN: &str = "tok-hostile-secret-987";
const CLIENT_SECRET: &str = "client-secret-hostile-654";

#[derive(Default)]
struct Seen {
    /// Requests that reached the redirect target (must stay 0).
    stolen: AtomicUsize,
    /// Bytes the huge-body handler produced (how far the client read).
    produced: AtomicU64,
    /// Pages served.
    pages: AtomicUsize,
}

struct Hostile {
    url: String,
    seen: Arc<Seen>,
    _server: tokio::task::JoinHandle<()>,
    _thief: tokio::task::JoinHandle<()>,
}

/// Starts the thief (a second host a redirect points to) and the hostile API server.
async fn start() -> Hostile {
    let seen = Arc::new(Seen::default());
    let thief_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let thief_addr = thief_listener.local_addr().unwrap();
    let thief_seen = seen.clone();
    let thief = Router::new().fallback(any(move || {
        let seen = thief_seen.clone();
        async move {
            seen.stolen.fetch_add(1, Ordering::SeqCst);
            r#"{"data":[],"access_token":"x","token_type":"bearer"}"#
        }
    }));
    let thief_task = tokio::spawn(async move {
        axum::serve(thief_listener, thief).await.unwrap();
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = (seen.clone(), format!("http://{thief_addr}"));
    let app = Router::new()
        .route("/v1/accounts/{account}", any(account))
        .route("/v1/accounts/{account}/{*rest}", any(list))
        .route("/oauth/token", post(token_redirect))
        .with_state(state);
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Hostile {
        url: format!("http://{addr}"),
        seen,
        _server: server,
        _thief: thief_task,
    }
}

type St = State<(Arc<Seen>, String)>;

async fn token_redirect(State((_, thief)): St) -> Response {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, format!("{thief}/oauth/token"))],
    )
        .into_response()
}

/// Single-resource behaviours (`GET /v1/accounts/{account}`).
async fn account(State((seen, thief)): St, Path(account): Path<String>) -> Response {
    match account.as_str() {
        "redirect-307" | "redirect-302" | "redirect-308" => {
            let status = StatusCode::from_u16(account[9..].parse().unwrap()).unwrap();
            (
                status,
                [(header::LOCATION, format!("{thief}/v1/accounts/1"))],
            )
                .into_response()
        }
        "huge" | "huge-declared" => {
            // 1 GiB, generated as it is read: how much was produced shows how far the client read.
            const CHUNK: usize = 64 * 1024;
            const TOTAL: u64 = 1 << 30;
            let chunks = (TOTAL / CHUNK as u64) as usize;
            let produced = seen.clone();
            let prefix =
                futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(
                    br#"{"data":{"type":"accounts","id":"1","attributes":{"store_name":""#,
                ))]);
            let body = prefix.chain(futures::stream::iter(0..chunks).map(move |_| {
                produced.produced.fetch_add(CHUNK as u64, Ordering::SeqCst);
                Ok(bytes::Bytes::from(vec![b'a'; CHUNK]))
            }));
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
            if account == "huge-declared" {
                headers.insert(
                    header::CONTENT_LENGTH,
                    (TOTAL + 64).to_string().parse().unwrap(),
                );
            }
            let mut response = Response::new(Body::from_stream(body));
            *response.headers_mut() = headers;
            response
        }
        "huge-error" => {
            let body = futures::stream::repeat_with(|| {
                Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 64 * 1024]))
            })
            .take(16 * 1024);
            (StatusCode::BAD_REQUEST, Body::from_stream(body)).into_response()
        }
        "trickle" => {
            let body = futures::stream::unfold(0u32, |i| async move {
                tokio::time::sleep(Duration::from_millis(500)).await;
                Some((
                    Ok::<_, std::io::Error>(bytes::Bytes::from_static(b" ")),
                    i + 1,
                ))
            });
            (StatusCode::OK, Body::from_stream(body)).into_response()
        }
        "escapes" => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/vnd.api+json")],
            json!({"errors":[{"title":"Bad\u{1b}]0;owned\u{7}\u{1b}[2J request",
                "detail":"name \u{1b}[31mred\u{1b}[0m\r\nnext line\u{9b}2J"}]})
            .to_string(),
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// List behaviours (`GET /v1/accounts/{account}/orders`).
async fn list(
    State((seen, _)): St,
    Path((account, _rest)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let n = seen.pages.fetch_add(1, Ordering::SeqCst);
    let offset: u64 = q
        .get("page[offset]")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let limit: u64 = q
        .get("page[limit]")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // "endless": fresh ids forever; "repeat": the first page again, whatever is asked.
    let start = match account.as_str() {
        "endless" => offset,
        "repeat" => 0,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let data: Vec<_> = (start..start + limit)
        .map(|i| json!({"type":"orders","id":i.to_string(),"attributes":{"total":"1.00"}}))
        .collect();
    let body = json!({
        "data": data,
        "meta": {"count": 1_000_000_000_000u64},
        "links": {"next": format!("/v1/accounts/{account}/orders?page%5Boffset%5D={}&n={n}", offset + limit)},
    });
    (
        [(header::CONTENT_TYPE, "application/vnd.api+json")],
        body.to_string(),
    )
        .into_response()
}

fn client(url: &str, account: &str) -> Client {
    Client::builder(UA)
        .base_url(url)
        .bearer(TOKEN)
        .account_id(account)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap()
}

fn no_secret(e: &Error) {
    let text = format!("{e} {e:?}");
    assert!(!text.contains(TOKEN), "token leaked: {text}");
    assert!(
        !text.contains(CLIENT_SECRET),
        "client secret leaked: {text}"
    );
}

#[tokio::test]
async fn redirects_are_refused_with_a_typed_error_and_never_followed() {
    let h = start().await;
    for (account, status) in [
        ("redirect-302", 302),
        ("redirect-307", 307),
        ("redirect-308", 308),
    ] {
        let e = client(&h.url, account).get_account().await.unwrap_err();
        no_secret(&e);
        match &e {
            Error::Api(api) => {
                assert_eq!(api.status, status, "{e}");
                assert_eq!(api.kind, ApiErrorKind::Redirect, "{e}");
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
        assert!(e.to_string().contains("redirect"), "{e}");
    }
    assert_eq!(
        h.seen.stolen.load(Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
}

#[tokio::test]
async fn oauth_code_exchange_never_resends_the_client_secret_to_a_redirect() {
    let h = start().await;
    let app = OAuthApp::new("client-id", CLIENT_SECRET, UA).base_url(&h.url);
    let e = app.exchange_code("the-code").await.unwrap_err();
    no_secret(&e);
    assert!(
        matches!(&e, Error::Api(api) if api.status == 307 && api.kind == ApiErrorKind::Redirect),
        "{e:?}"
    );
    assert_eq!(
        h.seen.stolen.load(Ordering::SeqCst),
        0,
        "the client secret was re-sent to the redirect target"
    );
}

#[tokio::test]
async fn a_huge_body_stops_at_the_cap_in_bounded_memory() {
    let h = start().await;
    let cap = 1 << 20;
    for account in ["huge", "huge-declared"] {
        h.seen.produced.store(0, Ordering::SeqCst);
        let c = Client::builder(UA)
            .base_url(&h.url)
            .bearer(TOKEN)
            .account_id(account)
            .retry(RetryPolicy::none())
            .max_response_bytes(cap)
            .build()
            .unwrap();
        let started = Instant::now();
        let e = c.get_account().await.unwrap_err();
        assert!(
            matches!(
                &e,
                Error::Transport {
                    kind: TransportKind::TooLarge,
                    ..
                }
            ),
            "{account}: {e:?}"
        );
        assert!(e.to_string().contains("1048576"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(20));
        // Reading stopped near the cap: far less than the 1 GiB on offer was produced (the
        // server runs ahead of the reader by socket buffers only).
        let produced = h.seen.produced.load(Ordering::SeqCst);
        assert!(produced < 64 << 20, "{account}: {produced} bytes produced");
        // The table-driven path (npm, CLI) reads through the same cap.
        let op = bigcartel::dynamic::operation("getAccount").unwrap();
        let e = c.call(op, &Default::default()).await.unwrap_err();
        assert!(
            matches!(
                &e,
                Error::Transport {
                    kind: TransportKind::TooLarge,
                    ..
                }
            ),
            "{account} (table): {e:?}"
        );
    }
}

#[tokio::test]
async fn a_huge_error_body_is_capped_too() {
    let h = start().await;
    let c = Client::builder(UA)
        .base_url(&h.url)
        .bearer(TOKEN)
        .account_id("huge-error")
        .retry(RetryPolicy::none())
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let e = c.get_account().await.unwrap_err();
    // An error body over the cap: the status still reaches the user, the body does not.
    match &e {
        Error::Api(api) => assert_eq!(api.status, 400),
        Error::Transport { kind, .. } => assert_eq!(*kind, TransportKind::TooLarge),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_default_cap_is_32_mib() {
    let h = start().await;
    let e = client(&h.url, "huge").get_account().await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Transport {
                kind: TransportKind::TooLarge,
                ..
            }
        ),
        "{e:?}"
    );
    let produced = h.seen.produced.load(Ordering::SeqCst);
    assert!(produced < 128 << 20, "{produced} bytes produced");
    assert_eq!(bigcartel::DEFAULT_MAX_RESPONSE_BYTES, 32 << 20);
}

#[tokio::test]
async fn endless_paging_stops_at_the_page_cap() {
    let h = start().await;
    let c = client(&h.url, "endless");
    let opts = PageOptions {
        page_size: 10,
        max_pages: 25,
        ..Default::default()
    };
    let started = Instant::now();
    let mut stream = std::pin::pin!(c.list_orders_stream(Default::default(), opts));
    let mut items = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => items += 1,
            Ok(None) => panic!("an endless list ended after {items} items"),
            Err(e) => break e,
        }
    };
    assert_eq!(items, 250);
    assert!(matches!(&err, Error::Paging { .. }), "{err:?}");
    assert!(err.to_string().contains("25 pages"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(h.seen.pages.load(Ordering::SeqCst), 25);
}

#[tokio::test]
async fn endless_paging_stops_at_the_item_cap_with_concurrency() {
    let h = start().await;
    let c = client(&h.url, "endless");
    let opts = PageOptions {
        page_size: 10,
        concurrency: 4,
        max_items: 95,
        ..Default::default()
    };
    let result: Result<Vec<_>, _> = c
        .list_orders_stream(Default::default(), opts)
        .try_collect()
        .await;
    let err = result.unwrap_err();
    assert!(matches!(&err, Error::Paging { .. }), "{err:?}");
    assert!(err.to_string().contains("95 items"), "{err}");
    assert!(h.seen.pages.load(Ordering::SeqCst) <= 14);
}

#[tokio::test]
async fn a_page_that_repeats_stops_paging() {
    let h = start().await;
    let c = client(&h.url, "repeat");
    let mut stream =
        std::pin::pin!(c.list_orders_stream(Default::default(), PageOptions::default()));
    let mut items = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => items += 1,
            Ok(None) => panic!("ended after {items} items"),
            Err(e) => break e,
        }
    };
    // The first page's items come through; the same page again is an error, not more items.
    assert_eq!(items, 100);
    assert!(matches!(&err, Error::Paging { .. }), "{err:?}");
    assert!(err.to_string().contains("repeats"), "{err}");
    assert_eq!(h.seen.pages.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_trickling_body_stops_at_the_timeout() {
    let h = start().await;
    let c = Client::builder(UA)
        .base_url(&h.url)
        .bearer(TOKEN)
        .account_id("trickle")
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = c.get_account().await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn escape_sequences_in_an_error_never_reach_its_message() {
    let h = start().await;
    let e = client(&h.url, "escapes").get_account().await.unwrap_err();
    let message = e.to_string();
    for c in message.chars() {
        assert!(!c.is_control(), "control character {c:?} in {message:?}");
    }
    assert!(message.contains("Bad"), "{message}");
    assert!(message.contains("next line"), "{message}");
    // The error objects themselves keep what the server sent, for whoever needs it exactly.
    match e {
        Error::Api(api) => assert!(api.errors[0].title.as_deref().unwrap().contains('\u{1b}')),
        other => panic!("{other:?}"),
    }
}

use futures::StreamExt as _;
