//! Several mock shops behind one address, as the real API serves every account: a request for
//! `/v1/accounts/<id>/…` goes to the shop of account `<id>`, anything else is a 404. For tests and
//! benchmarks of services that work for many merchants at once.
//!
//! ```no_run
//! # async fn run() -> Result<(), bigcartel_mock::MockError> {
//! use bigcartel_mock::MockConfig;
//! use bigcartel_mock::fleet::MockFleet;
//! let configs = (0..3).map(|i| MockConfig { account_id: 100 + i, ..MockConfig::default() });
//! let fleet = MockFleet::start(configs).await?;
//! println!("{} serves accounts 100, 101 and 102", fleet.url());
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::task::JoinHandle;

use crate::{MockConfig, MockError, MockServer};

struct Routes {
    shops: HashMap<String, String>,
    http: reqwest::Client,
}

/// The shops and the router in front of them; everything stops when dropped.
pub struct MockFleet {
    shops: Vec<MockServer>,
    url: String,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockFleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockFleet")
            .field("url", &self.url)
            .field("shops", &self.shops.len())
            .finish()
    }
}

impl MockFleet {
    /// Starts one mock per configuration (each must have its own `account_id`) and the router.
    pub async fn start(
        configs: impl IntoIterator<Item = MockConfig>,
    ) -> Result<MockFleet, MockError> {
        let mut shops = Vec::new();
        let mut routes = HashMap::new();
        for config in configs {
            let shop = MockServer::start(config).await?;
            routes.insert(shop.account_id().to_string(), shop.url().to_string());
            shops.push(shop);
        }
        let routes = Arc::new(Routes {
            shops: routes,
            http: bigcartel::http_client_builder()
                .build()
                .map_err(|e| MockError::Io(std::io::Error::other(e)))?,
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = axum::Router::new().fallback(forward).with_state(routes);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(MockFleet { shops, url, task })
    }

    /// The router's address: the API base URL of every shop.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The shops, in the order of their configurations.
    pub fn shops(&self) -> &[MockServer] {
        &self.shops
    }
}

impl Drop for MockFleet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(State(routes): State<Arc<Routes>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let Some(base) = path
        .strip_prefix("/v1/accounts/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|account| routes.shops.get(account))
    else {
        return (StatusCode::NOT_FOUND, "no shop for this account").into_response();
    };
    let target = format!(
        "{base}{}",
        req.uri()
            .path_and_query()
            .map_or(path.as_str(), |p| p.as_str())
    );
    let method = req.method().clone();
    let mut headers = req.headers().clone();
    headers.remove(header::HOST);
    let Ok(body) = axum::body::to_bytes(req.into_body(), crate::MAX_BODY_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let answer = match routes
        .http
        .request(method, target)
        .headers(headers)
        .body(body)
        .send()
        .await
    {
        Ok(a) => a,
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let Ok(bytes) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut out = Response::new(Body::from(bytes));
    *out.status_mut() = status;
    for (name, value) in &headers {
        if name != header::TRANSFER_ENCODING && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}
