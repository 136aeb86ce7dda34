//! The `order.created` receiver: verifies each webhook with
//! [`bigcartel::webhook::verify_and_parse`] and hands new orders to the engine. Polling stays the
//! safety net, so a webhook that never arrives only delays an order until the next pass.

use std::net::SocketAddr;
use std::sync::Arc;

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
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Serving { stop: Some(stop) })
}
