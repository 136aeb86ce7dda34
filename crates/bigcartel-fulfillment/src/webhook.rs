//! The `order.created` receiver: verifies each webhook with
//! [`bigcartel::webhook::verify_and_parse`] and hands new orders to the engine. Polling stays the
//! safety net, so a webhook that never arrives only delays an order until the next pass.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bigcartel::models::Order;
use bigcartel::{Secret, WebhookEvent};
use tokio::sync::mpsc;

use crate::engine::EngineError;

/// Where and how webhooks are received.
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The path Big Cartel posts to.
    pub path: String,
    /// The OAuth client secret (the signing key).
    pub secret: Secret,
    /// Connection cap, timeouts and body size limit.
    pub limits: ListenerLimits,
}

/// What one client may hold of the receiver. The receiver faces the internet: without these, a
/// few hundred clients that send half a request and then nothing hold every socket and file
/// descriptor, real webhooks go unanswered and the engine's own requests fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerLimits {
    /// Connections served at once. Further connections wait in the kernel's accept queue (they
    /// use no file descriptor of this process until accepted), so the engine always has
    /// descriptors left for its own requests.
    pub max_connections: usize,
    /// Time a client has to send a request's headers, from the moment it connects.
    pub header_read_timeout: std::time::Duration,
    /// Time a client has, once its headers are in, to send the body and get the answer.
    pub request_timeout: std::time::Duration,
    /// Largest body accepted (Big Cartel's order payloads are a few kilobytes).
    pub max_body_bytes: usize,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        ListenerLimits {
            max_connections: 64,
            header_read_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(20),
            max_body_bytes: 1024 * 1024,
        }
    }
}

struct Receiver {
    secret: Secret,
    account_id: String,
    orders: mpsc::Sender<Order>,
}

/// The receiver as an axum router, to mount in an application of your own: `order.created` (and
/// `order.updated`, which is how a payment completing shows) for `account_id` go to `orders`.
/// Answers 401 on a bad signature, 400 on a bad body, 200 otherwise (other events are ignored).
pub fn router(
    path: &str,
    secret: Secret,
    account_id: String,
    orders: mpsc::Sender<Order>,
) -> axum::Router {
    let state = Arc::new(Receiver {
        secret,
        account_id,
        orders,
    });
    axum::Router::new()
        .route(path, post(receive))
        .with_state(state)
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get(bigcartel::webhook::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    let event = match bigcartel::verify_and_parse(rx.secret.expose().as_bytes(), &body, signature) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "webhook refused");
            return StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
        }
    };
    if event.account_id() != rx.account_id {
        tracing::warn!(
            account = event.account_id(),
            "webhook for another account ignored"
        );
        return StatusCode::OK;
    }
    let order = match event {
        WebhookEvent::OrderCreated { order, .. } | WebhookEvent::OrderUpdated { order, .. } => {
            order
        }
        _ => return StatusCode::OK,
    };
    // A full queue only delays the order to the next pass.
    if rx.orders.try_send(*order).is_err() {
        tracing::warn!("webhook queue full; the next pass picks the order up");
    }
    StatusCode::OK
}

/// A running receiver; stops when dropped.
pub(crate) struct Serving {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub(crate) async fn serve(
    options: WebhookOptions,
    account_id: String,
    orders: mpsc::Sender<Order>,
) -> Result<Serving, EngineError> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| EngineError::Webhook {
            addr: options.listen,
            source,
        })?;
    let app = router(&options.path, options.secret, account_id, orders);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_bounded(listener, app, options.limits, async {
        let _ = stopped.await;
    }));
    Ok(Serving { stop: Some(stop) })
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves: at most
/// `max_connections` connections at once (the next one is accepted when one closes), headers
/// within `header_read_timeout`, body and answer within `request_timeout`, bodies up to
/// `max_body_bytes`, one request per connection.
///
/// Use it to mount [`router`] in a server of your own with the same protections.
pub async fn serve_bounded(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: ListenerLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use tower::ServiceExt;

    let app = app
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            limits.max_body_bytes,
        ));
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    // Whatever a connection does, it is gone after this: headers, body and answer.
    let lifetime = limits.header_read_timeout + limits.request_timeout + Duration::from_secs(1);
    tokio::pin!(shutdown);
    loop {
        // A slot first, then accept: waiting connections stay in the kernel's queue.
        let slot = tokio::select! {
            _ = &mut shutdown => return,
            s = slots.clone().acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => return,
            },
        };
        let stream = tokio::select! {
            _ = &mut shutdown => return,
            a = listener.accept() => match a {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors or similar: back off instead of spinning.
                    tracing::warn!(error = %e, "webhook receiver: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    app.clone().oneshot(req.map(axum::body::Body::new))
                });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .keep_alive(false);
            let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if tokio::time::timeout(lifetime, conn).await.is_err() {
                tracing::debug!("webhook receiver: connection over its time; closed");
            }
        });
    }
}
