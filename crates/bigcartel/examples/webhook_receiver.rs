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

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bigcartel::webhook::{self, WebhookEvent};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

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

/// How much of the receiver one client may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time a connection has, from accept, to send its request and read the answer.
    pub connection_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            connection_time: Duration::from_secs(15),
        }
    }
}

/// Serves [`app`] on `listener` within `limits`, until the process ends.
///
/// A receiver faces the internet: without a cap and a deadline, a few hundred
/// clients that send half a request and then nothing hold every socket and
/// file descriptor of the process. Connections beyond the cap wait in the
/// kernel's accept queue (using no descriptor here); a connection that has not
/// sent its request and read the answer within `connection_time` is closed.
/// Bodies are capped at 1 MiB (Big Cartel's payloads are a few kilobytes).
pub async fn serve(listener: TcpListener, secret: &[u8], limits: Limits) -> std::io::Result<()> {
    let listener = Bounded {
        listener,
        slots: Arc::new(Semaphore::new(limits.max_connections.max(1))),
        connection_time: limits.connection_time,
    };
    let app = app(secret).layer(DefaultBodyLimit::max(1024 * 1024));
    axum::serve(listener, app).await
}

/// A listener that accepts only when a slot is free; each connection holds
/// its slot, and fails its reads and writes once its time is up.
struct Bounded {
    listener: TcpListener,
    slots: Arc<Semaphore>,
    connection_time: Duration,
}

impl axum::serve::Listener for Bounded {
    type Io = Deadline;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // A slot first, then accept: waiting connections stay in the kernel's queue.
        let Ok(slot) = self.slots.clone().acquire_owned().await else {
            unreachable!("the semaphore is never closed")
        };
        loop {
            match self.listener.accept().await {
                Ok((stream, addr)) => {
                    let deadline = Box::pin(tokio::time::sleep(self.connection_time));
                    return (
                        Deadline {
                            stream,
                            deadline,
                            _slot: slot,
                        },
                        addr,
                    );
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(err) => {
                    eprintln!("accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

/// A connection with a deadline: reads and writes fail once it has passed,
/// which makes the server close it (and free its slot).
struct Deadline {
    stream: TcpStream,
    deadline: Pin<Box<Sleep>>,
    _slot: OwnedSemaphorePermit,
}

impl Deadline {
    /// Also registers the timer, so that a connection waiting for bytes that
    /// never come is woken when its time is up.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "connection time is up")
}

impl AsyncRead for Deadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.expired(cx) {
            return Poll::Ready(Err(timed_out()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Deadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.expired(cx) {
            return Poll::Ready(Err(timed_out()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.expired(cx) {
            return Poll::Ready(Err(timed_out()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("BIGCARTEL_CLIENT_SECRET")
        .map_err(|_| "set BIGCARTEL_CLIENT_SECRET to your application's client secret")?;
    let addr =
        std::env::var("BIGCARTEL_WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on http://{}/webhooks", listener.local_addr()?);
    serve(listener, secret.as_bytes(), Limits::default()).await?;
    Ok(())
}
