//! Client behaviour against local servers: pagination, retries, bad bodies, secrets.

use bigcartel::*;
use futures::TryStreamExt;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const UA: &str = "BehaviourTest (test@example.com)";
const TOKEN: &str = "tok-behaviour-secret-123";

fn client(uri: &str, retry: RetryPolicy) -> Client {
    Client::builder(UA)
        .base_url(uri)
        .bearer(TOKEN)
        .account_id("1")
        .retry(retry)
        .build()
        .unwrap()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_secs(2),
        budget: Duration::from_secs(10),
    }
}

/// Serves `total` orders with the API's paging: meta.count, links.next; caps pages at `cap`.
struct Orders {
    total: usize,
    cap: usize,
}

impl Respond for Orders {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: std::collections::HashMap<String, String> =
            req.url.query_pairs().into_owned().collect();
        let limit: usize = q
            .get("page[limit]")
            .and_then(|v| v.parse().ok())
            .unwrap_or(20)
            .min(self.cap);
        let offset: usize = q
            .get("page[offset]")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let end = (offset + limit).min(self.total);
        let data: Vec<_> = (offset..end)
            .map(|i| json!({ "type": "orders", "id": i.to_string(), "attributes": { "total": format!("{i}.5") },
                "relationships": { "items": { "data": [ { "type": "order_line_items", "id": format!("li{i}") } ] } } }))
            .collect();
        let included: Vec<_> = (offset..end)
            .map(|i| json!({ "type": "order_line_items", "id": format!("li{i}"), "attributes": { "quantity": 1, "price": "1.10" } }))
            .collect();
        let mut links = json!({});
        if end < self.total {
            links["next"] = json!(format!(
                "http://x/v1/accounts/1/orders?page%5Blimit%5D={limit}&page%5Boffset%5D={end}"
            ));
        }
        ResponseTemplate::new(200).set_body_raw(
            serde_json::to_vec(&json!({ "data": data, "included": included, "meta": { "count": self.total }, "links": links })).unwrap(),
            "application/vnd.api+json",
        )
    }
}

async fn orders_server(total: usize, cap: usize) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(Orders { total, cap })
        .mount(&s)
        .await;
    s
}

#[tokio::test]
async fn streams_every_item_of_a_long_list_in_order() {
    for concurrency in [1, 4] {
        let s = orders_server(1234, 1000).await;
        let c = client(&s.uri(), RetryPolicy::none());
        let opts = PageOptions {
            concurrency,
            ..Default::default()
        };
        let orders: Vec<_> = c
            .list_orders_stream(Default::default(), opts)
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let expected: Vec<String> = (0..1234).map(|i| i.to_string()).collect();
        assert_eq!(ids, expected, "concurrency {concurrency}");
        assert_eq!(orders[7].items[0].price.as_deref(), Some("1.10"));
        assert_eq!(orders[7].total.as_deref(), Some("7.5"));
        assert_eq!(
            s.received_requests().await.unwrap().len(),
            13,
            "ceil(1234/100) pages"
        );
    }
}

#[tokio::test]
async fn a_server_side_page_cap_skips_nothing() {
    let s = orders_server(530, 50).await;
    let c = client(&s.uri(), RetryPolicy::none());
    let opts = PageOptions {
        concurrency: 3,
        ..Default::default()
    };
    let orders: Vec<_> = c
        .list_orders_stream(Default::default(), opts)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<usize> = orders.iter().map(|o| o.id.parse().unwrap()).collect();
    assert_eq!(ids, (0..530).collect::<Vec<_>>());
}

/// Once the total is known, a page taken makes room for the next request at once: a slow page
/// holds back only what comes after it in order, never the start of later requests. (Fetching in
/// rounds, the fourth page was not asked for until the slow second one had arrived.)
#[tokio::test]
async fn paging_keeps_requests_in_flight_past_a_slow_page() {
    use std::sync::Mutex;
    let events: Arc<Mutex<Vec<(&'static str, i64)>>> = Arc::default();
    let log = events.clone();
    let fetch = move |offset: i64, limit: i64| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(("start", offset));
            let slow = offset == 20;
            tokio::time::sleep(Duration::from_millis(if slow { 400 } else { 5 })).await;
            log.lock().unwrap().push(("end", offset));
            let items: Vec<i64> = (offset..(offset + limit).min(60)).collect();
            Ok(jsonapi::Page {
                fingerprint: offset as u64,
                items,
                total: Some(60),
                next: None,
                has_links: true,
                links: None,
                meta: None,
            })
        }
    };
    let opts = PageOptions {
        page_size: 10,
        concurrency: 3,
        ..Default::default()
    };
    let op = Operation {
        id: "listOrders",
        method: "GET",
        path: "/test",
    };
    let items: Vec<i64> = pagination::paginate(op, fetch, opts)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..60).collect::<Vec<_>>());
    let events = events.lock().unwrap().clone();
    let at = |e: (&'static str, i64)| events.iter().position(|x| *x == e).unwrap();
    assert!(
        at(("start", 40)) < at(("end", 20)),
        "the page at 40 waited for the slow page at 20: {events:?}"
    );
    let starts = events.iter().filter(|(k, _)| *k == "start").count();
    assert_eq!(starts, 6, "one request per page: {events:?}");
}

/// Answers with the given templates in turn, then the last one forever.
struct Sequence {
    answers: Vec<ResponseTemplate>,
    seen: Arc<AtomicUsize>,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

fn ok_artist() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        r#"{"data":{"type":"artists","id":"1","attributes":{"name":"A"}}}"#,
        "application/vnd.api+json",
    )
}

async fn sequence(answers: Vec<ResponseTemplate>) -> (MockServer, Arc<AtomicUsize>) {
    let s = MockServer::start().await;
    let seen = Arc::new(AtomicUsize::new(0));
    Mock::given(any())
        .respond_with(Sequence {
            answers,
            seen: seen.clone(),
        })
        .mount(&s)
        .await;
    (s, seen)
}

#[tokio::test]
async fn get_is_retried_on_503_and_honours_retry_after() {
    let (s, seen) = sequence(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ok_artist(),
    ])
    .await;
    let c = client(&s.uri(), fast_retry());
    let started = Instant::now();
    let artist = c.get_artist("1").await.unwrap();
    assert_eq!(artist.name.as_deref(), Some("A"));
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    assert_eq!(c.stats(), (3, 2));
    // Retry-After: 1 was honoured (a lower bound, which load can only lengthen).
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_is_reported_not_waited() {
    let (s, seen) = sequence(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "120"),
    ])
    .await;
    let err = client(&s.uri(), fast_retry())
        .get_artist("1")
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status, api.kind, api.retry_after),
        (429, ApiErrorKind::RateLimited, Some(120))
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retries_stop_at_the_budget() {
    let (s, seen) = sequence(vec![ResponseTemplate::new(502)]).await;
    let policy = RetryPolicy {
        max_retries: 3,
        ..fast_retry()
    };
    let err = client(&s.uri(), policy).get_artist("1").await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(seen.load(Ordering::SeqCst), 4, "1 attempt + 3 retries");
}

#[tokio::test]
async fn a_post_that_reached_the_server_is_never_retried() {
    for status in [500, 502, 503, 429] {
        let (s, seen) = sequence(vec![ResponseTemplate::new(status), ok_artist()]).await;
        let err = client(&s.uri(), fast_retry())
            .create_artist(&{
                let mut value = ArtistInput::default();
                value.name = "Once".into();
                value
            })
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            seen.load(Ordering::SeqCst),
            1,
            "POST answered {status} must not be resent"
        );
    }
    // PATCH likewise.
    let (s, seen) = sequence(vec![ResponseTemplate::new(503), ok_artist()]).await;
    client(&s.uri(), fast_retry())
        .update_artist("1", &{
            let mut value = ArtistInput::default();
            value.name = "x".into();
            value
        })
        .await
        .unwrap_err();
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_that_could_not_connect_is_retried_and_reported() {
    // A port nothing listens on: the connection is refused, so the request never left.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client(&format!("http://127.0.0.1:{port}"), fast_retry());
    let err = c
        .create_artist(&{
            let mut value = ArtistInput::default();
            value.name = "x".into();
            value
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        c.stats(),
        (5, 4),
        "connect failures are retried even for POST"
    );
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_get() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for n in 0.. {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            if n == 0 {
                drop(sock); // no response at all
                continue;
            }
            let body = r#"{"data":{"type":"artists","id":"1","attributes":{"name":"B"}}}"#;
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.api+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        }
    });
    let c = client(&format!("http://{addr}"), fast_retry());
    assert_eq!(c.get_artist("1").await.unwrap().name.as_deref(), Some("B"));
    assert_eq!(c.stats(), (2, 1));
}

async fn answer(status: u16, body: &[u8], content_type: &str) -> Error {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.to_vec(), content_type))
        .mount(&s)
        .await;
    client(&s.uri(), RetryPolicy::none())
        .list_products(&Default::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn bad_bodies_give_typed_errors() {
    let err = answer(
        502,
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        "text/html",
    )
    .await;
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.status, api.kind), (502, ApiErrorKind::Server));
    assert!(
        api.body_excerpt
            .as_deref()
            .unwrap()
            .contains("502 Bad Gateway")
    );
    assert!(err.to_string().contains("listProducts"), "{err}");

    let err = answer(200, b"", "application/vnd.api+json").await;
    assert!(
        matches!(
            err,
            Error::Decode {
                source: DecodeError::Empty,
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );

    let err = answer(
        200,
        br#"{"data":[{"type":"products","id":"1","attri"#,
        "application/vnd.api+json",
    )
    .await;
    assert!(
        matches!(
            err,
            Error::Decode {
                source: DecodeError::NotJson { .. },
                ..
            }
        ),
        "{err:?}"
    );

    let err = answer(
        200,
        br#"{"data":[{"type":"products","id":"1","attributes":{"name":{"a":1}}}]}"#,
        "application/vnd.api+json",
    )
    .await;
    let Error::Decode {
        source: DecodeError::Attribute {
            resource_type, id, ..
        },
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((resource_type.as_str(), id.as_str()), ("products", "1"));

    let err = answer(
        200,
        br#"{"data":{"type":"products","id":"1"}}"#,
        "application/vnd.api+json",
    )
    .await;
    assert!(
        matches!(
            err,
            Error::Decode {
                source: DecodeError::Shape(_),
                ..
            }
        ),
        "{err:?}"
    );

    let err = answer(
        200,
        b"{\"data\":[{\"type\":\"products\",\"id\":\"\xff\xfe\"}]}",
        "application/vnd.api+json",
    )
    .await;
    assert!(
        matches!(
            err,
            Error::Decode {
                source: DecodeError::NotJson { .. },
                ..
            }
        ),
        "{err:?}"
    );

    let err = answer(
        200,
        br#"{"data":[{"type":"products","id":"1","attributes":{"default_price":1e999}}]}"#,
        "application/vnd.api+json",
    )
    .await;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");

    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let err = answer(
        200,
        format!(r#"{{"data":{deep}}}"#).as_bytes(),
        "application/vnd.api+json",
    )
    .await;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");

    let err = answer(
        404,
        br#"{"errors":[{"status":"404","title":"Not Found","detail":"No such product"}]}"#,
        "application/vnd.api+json",
    )
    .await;
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.kind, api.errors[0].detail.as_deref()),
        (ApiErrorKind::NotFound, Some("No such product"))
    );
    assert!(
        err.to_string().contains("Not Found: No such product"),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_included_types_and_missing_includes_do_not_break_decoding() {
    let s = MockServer::start().await;
    // A raw JSON number with a trailing zero: its text must survive exactly.
    let body = json!({
        "data": [{ "type": "products", "id": "1", "attributes": { "name": "Tee", "default_price": "PRICE" },
            "relationships": {
                "options": { "data": [ { "type": "product_options", "id": "9" }, { "type": "product_options", "id": "404" } ] },
                "future_thing": { "data": { "type": "holograms", "id": "1" } } } }],
        "included": [
            { "type": "holograms", "id": "1", "attributes": { "depth": [1, 2, { "x": null }] } },
            { "type": "product_options", "id": "9", "attributes": { "name": "L", "price": "18.0", "quantity": "25" } },
            { "broken": true }
        ]
    });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            body.to_string().replace(r#""PRICE""#, "20.10").into_bytes(),
            "application/vnd.api+json",
        ))
        .mount(&s)
        .await;
    let page = client(&s.uri(), RetryPolicy::none())
        .list_products(&Default::default())
        .await
        .unwrap();
    let p = &page.items[0];
    // A JSON number price keeps its exact text.
    assert_eq!(p.default_price.as_deref(), Some("20.10"));
    assert_eq!(p.options.len(), 2);
    assert_eq!(
        (p.options[0].name.as_deref(), p.options[0].quantity),
        (Some("L"), Some(25))
    );
    // Not included: kept as a stub carrying its id rather than dropped.
    assert_eq!(
        (p.options[1].id.as_str(), p.options[1].name.as_deref()),
        ("404", None)
    );
}

#[tokio::test]
async fn no_secret_in_debug_or_errors() {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"errors":[{"status":"401","title":"Unauthorized","detail":"Bad credentials"}]}"#,
            "application/vnd.api+json",
        ))
        .mount(&s)
        .await;
    let bearer = client(&s.uri(), RetryPolicy::none());
    let basic = Client::builder(UA)
        .base_url(s.uri())
        .basic("shop", "pa55word-xyz")
        .build()
        .unwrap();
    let builder = Client::builder(UA).bearer(TOKEN);
    let e1 = bearer.get_account().await.unwrap_err();
    let e2 = basic.get_account().await.unwrap_err();
    let app = bigcartel::oauth::OAuthApp::new("cid", "client-secret-abc", UA);
    let printed = format!(
        "{bearer:?} {basic:?} {builder:?} {e1} {e1:?} {e2} {e2:?} {app:?} {:?}",
        Auth::Bearer(TOKEN.into())
    );
    for secret in [
        TOKEN,
        "pa55word-xyz",
        "client-secret-abc",
        "cGE1NXdvcmQteHl6",
    ] {
        assert!(!printed.contains(secret), "{secret} leaked");
    }
    assert!(printed.contains("[redacted]"));
    assert_eq!(e1.status(), Some(401));
}

#[tokio::test]
async fn https_is_supported_natively() {
    // A closed port: with TLS compiled in this is a plain connection failure, not "scheme not supported".
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client(&format!("https://127.0.0.1:{port}"), RetryPolicy::none());
    let err = c.get_artist("1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn no_secret_in_trace_logs() {
    use std::sync::Mutex;
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (s, _) =
                sequence(vec![ResponseTemplate::new(503), ResponseTemplate::new(401)]).await;
            let bearer = client(&s.uri(), fast_retry());
            let _ = bearer.get_artist("1").await;
            let basic = Client::builder(UA)
                .base_url(s.uri())
                .basic("shop", "pa55word-xyz")
                .retry(fast_retry())
                .build()
                .unwrap();
            let _ = basic.get_artist("1").await;
        });
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "the retry was logged: {logs}");
    for secret in [TOKEN, "pa55word-xyz", "cGE1NXdvcmQteHl6"] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}
