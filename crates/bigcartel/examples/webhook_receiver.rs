//! A minimal Big Cartel webhook receiver built on axum.
//!
//! It takes the raw body bytes and the `X-Webhook-Signature` header, calls
//! [`bigcartel::webhook::verify_and_parse`], and answers:
//!
//! * `204 No Content` when the signature verifies and the body parses,
//! * `401 Unauthorized` when the signature is missing or wrong,
//! * `400 Bad Request` when the signature verifies but the body is not a
//!   webhook this SDK can read.
//!
//! Run it, with your application's client secret:
//!
//! ```sh
//! BIGCARTEL_CLIENT_SECRET=my-secret cargo run -p bigcartel --example webhook_receiver
//! ```
//!
//! then send it a signed webhook from another shell:
//!
//! ```sh
//! body='{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}'
//! sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac my-secret | sed 's/^.* //')
//! curl -i http://127.0.0.1:3000/webhooks -H "X-Webhook-Signature: $sig" --data-binary "$body"
//! ```
//!
//! `BIGCARTEL_WEBHOOK_ADDR` changes the listening address (default
//! `127.0.0.1:3000`).
//!
//! The important detail: extract the body as [`Bytes`], never as
//! `Json<...>`. The signature covers the exact bytes Big Cartel sent;
//! anything that parses and re-serialises the body first breaks verification.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bigcartel::webhook::{self, WebhookEvent};

/// The client secret, shared by all requests. Never logged.
#[derive(Clone)]
struct AppState {
    secret: Arc<[u8]>,
}

/// The receiver's routes: `POST /webhooks`.
pub fn app(secret: &[u8]) -> Router {
    Router::new()
        .route("/webhooks", post(receive))
        .with_state(AppState {
            secret: Arc::from(secret),
        })
}

async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // A header value that is not visible ASCII cannot be a hex signature.
    let signature = match headers.get(webhook::SIGNATURE_HEADER).map(|v| v.to_str()) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return StatusCode::UNAUTHORIZED,
    };
    match webhook::verify_and_parse(&state.secret, &body, signature) {
        Ok(event) => {
            handle(&event);
            StatusCode::NO_CONTENT
        }
        Err(err) => {
            eprintln!("rejected webhook: {err}");
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::BAD_REQUEST)
        }
    }
}

/// Where an application would act on the event (queue a job, update a cache).
fn handle(event: &WebhookEvent) {
    match event {
        WebhookEvent::OrderCreated { order, .. } => {
            println!(
                "new order {} for {}",
                order.id,
                order.total.as_deref().unwrap_or("?")
            );
        }
        WebhookEvent::ProductDeleted { id, .. } => println!("product {id} deleted"),
        WebhookEvent::AccountDeauthorized { account_id, .. } => {
            println!("account {account_id} revoked access: forget its tokens");
        }
        other => println!(
            "{} for account {} ({:?})",
            other.event_type(),
            other.account_id(),
            other.resource_id()
        ),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("BIGCARTEL_CLIENT_SECRET")
        .map_err(|_| "set BIGCARTEL_CLIENT_SECRET to your application's client secret")?;
    let addr =
        std::env::var("BIGCARTEL_WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}/webhooks", listener.local_addr()?);
    axum::serve(listener, app(secret.as_bytes())).await?;
    Ok(())
}
