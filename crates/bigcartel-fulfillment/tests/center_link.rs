//! The link to the center: https (or loopback http) only, credentials sent and never shown, and
//! redirects refused rather than followed.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::any;
use bigcartel::Secret;
use bigcartel_fulfillment::center::{FulfillmentLine, Recipient};
use bigcartel_fulfillment::{
    CENTER_PASSWORD_ENV, CENTER_TOKEN_ENV, CENTER_USER_ENV, CenterAuth, CenterError,
    FulfillmentCenter, FulfillmentOrder, HttpCenter,
};
use futures::StreamExt as _;

fn order() -> FulfillmentOrder {
    FulfillmentOrder {
        account_id: "12345".into(),
        order_id: "1".into(),
        shipping_code: "DOMESTIC_DEFAULT".into(),
        carrier_service: None,
        recipient: Recipient {
            name: "Ana Silva".into(),
            address_1: "12 Main St".into(),
            country: "US".into(),
            ..Default::default()
        },
        lines: vec![FulfillmentLine {
            sku: "TEE-L".into(),
            quantity: 1,
            line_item_id: "li-1".into(),
            product_name: None,
            option_name: None,
        }],
        note: None,
    }
}

/// A server on a free loopback port answering every request with `reply`; returns its URL and
/// the `Authorization` header of each request it got.
async fn server(
    reply: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(any(move |headers: HeaderMap| {
        let reply = reply.clone();
        let log = log.clone();
        async move {
            log.lock().unwrap().push(
                headers
                    .get(header::AUTHORIZATION)
                    .map(|v| v.to_str().unwrap_or("?").to_string()),
            );
            reply()
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen)
}

#[tokio::test]
async fn redirects_are_a_typed_error_and_never_followed() {
    let (target, target_hits) = server(|| StatusCode::OK.into_response()).await;
    for status in [301u16, 302, 303, 307, 308] {
        let location = format!("{target}/elsewhere");
        let (url, _) = server(move || {
            (
                StatusCode::from_u16(status).unwrap(),
                [(header::LOCATION, location.clone())],
            )
                .into_response()
        })
        .await;
        let center = HttpCenter::new(&url)
            .unwrap()
            .with_auth(CenterAuth::Bearer(Secret::new("tok-redirected")));
        let submit = center.submit("k1", &order()).await.unwrap_err();
        let find = center.find("k1").await.unwrap_err();
        let shipment = center.shipment("r1").await.unwrap_err();
        println!("{status}: {submit} | {find:?} | {shipment:?}");
        for err in [submit, find, shipment] {
            assert_eq!(err, CenterError::Redirect { status }, "{err}");
            assert!(err.to_string().contains(&status.to_string()), "{err}");
        }
    }
    let hits = target_hits.lock().unwrap().len();
    println!("requests that reached the redirect target: {hits}");
    assert_eq!(hits, 0, "a redirect was followed");
}

#[test]
fn plain_http_is_for_this_machine_only() {
    for url in [
        "http://example.com",
        "http://center.example.com:8088/api",
        "http://10.0.0.7:8088",
        "http://192.168.1.2",
        "ftp://example.com",
        "not a url",
        "https://user:pw-in-url@center.example.com",
    ] {
        let err = HttpCenter::new(url).unwrap_err();
        println!("{url}: {err}");
        assert!(matches!(err, CenterError::Config(_)), "{url}: {err:?}");
        assert!(!err.to_string().contains("pw-in-url"), "{err}");
    }
    for url in [
        "https://center.example.com",
        "https://center.example.com:8443/api/",
        "http://127.0.0.1:8088",
        "http://localhost:8088",
        "http://[::1]:8088",
    ] {
        assert!(HttpCenter::new(url).is_ok(), "{url}");
    }
}

#[tokio::test]
async fn credentials_are_sent_and_never_shown() {
    let (url, seen) = server(|| StatusCode::NOT_FOUND.into_response()).await;
    let bearer = HttpCenter::new(&url)
        .unwrap()
        .with_auth(CenterAuth::Bearer(Secret::new("tok-123")));
    assert_eq!(bearer.find("k1").await.unwrap(), None);
    let basic = HttpCenter::new(&url).unwrap().with_auth(CenterAuth::Basic {
        user: "ops".into(),
        password: Secret::new("pw-456"),
    });
    assert_eq!(basic.find("k1").await.unwrap(), None);
    let none = HttpCenter::new(&url).unwrap();
    assert_eq!(none.find("k1").await.unwrap(), None);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            Some("Bearer tok-123".to_string()),
            Some("Basic b3BzOnB3LTQ1Ng==".to_string()),
            None
        ]
    );
    let shown = format!("{bearer:?} {basic:?}");
    assert!(
        !shown.contains("tok-123") && !shown.contains("pw-456"),
        "{shown}"
    );
}

#[test]
fn credentials_come_from_the_environment() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(CenterAuth::from_lookup(env(&[])).unwrap(), CenterAuth::None);
    assert_eq!(
        CenterAuth::from_lookup(env(&[(CENTER_TOKEN_ENV, "tok")])).unwrap(),
        CenterAuth::Bearer(Secret::new("tok"))
    );
    assert_eq!(
        CenterAuth::from_lookup(env(&[
            (CENTER_USER_ENV, "ops"),
            (CENTER_PASSWORD_ENV, "pw")
        ]))
        .unwrap(),
        CenterAuth::Basic {
            user: "ops".into(),
            password: Secret::new("pw")
        }
    );
    for bad in [
        &[(CENTER_USER_ENV, "ops")][..],
        &[(CENTER_PASSWORD_ENV, "pw-alone")][..],
        &[(CENTER_TOKEN_ENV, "tok"), (CENTER_PASSWORD_ENV, "pw-too")][..],
    ] {
        let err = CenterAuth::from_lookup(env(bad)).unwrap_err();
        assert!(matches!(err, CenterError::Config(_)), "{err:?}");
        assert!(!err.to_string().contains("pw-"), "{err}");
    }
}

/// A center answering a success with a body far over the cap: reading stops at the cap, with an
/// error, instead of holding whatever the server sends.
#[tokio::test]
async fn a_huge_answer_is_cut_off_at_the_cap() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let produced = Arc::new(AtomicU64::new(0));
    let counter = produced.clone();
    let (url, _) = server(move || {
        let counter = counter.clone();
        // 1 GiB on offer, made as it is read.
        let chunks = futures::stream::iter(0..16_384).map(move |_| {
            counter.fetch_add(65_536, Ordering::SeqCst);
            Ok::<_, std::io::Error>(vec![b' '; 65_536])
        });
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            axum::body::Body::from_stream(chunks),
        )
            .into_response()
    })
    .await;
    let center = HttpCenter::new(&url).unwrap();
    let started = std::time::Instant::now();
    let e = center.find("key-1").await.unwrap_err();
    assert!(
        matches!(&e, CenterError::Unavailable(m) if m.contains("cap")),
        "{e:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let produced = produced.load(Ordering::SeqCst);
    assert!(
        produced < 2 * bigcartel::DEFAULT_MAX_RESPONSE_BYTES as u64,
        "{produced} bytes produced"
    );
}
