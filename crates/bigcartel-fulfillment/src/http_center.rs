//! [`HttpCenter`]: a [`FulfillmentCenter`] spoken to over HTTP with the reference protocol
//! (see [`crate::reference`] for the routes).

use std::time::Duration;

use serde::Deserialize;

use crate::center::{CenterError, FulfillmentCenter, FulfillmentOrder, ShipmentStatus, Submission};

/// A fulfillment center reached over HTTP: `PUT /submissions/{key}`, `GET /submissions/{key}`,
/// `GET /shipments/{reference}`.
///
/// ```
/// let center = bigcartel_fulfillment::HttpCenter::new("http://127.0.0.1:8088").unwrap();
/// assert_eq!(center.base_url(), "http://127.0.0.1:8088");
/// ```
#[derive(Debug, Clone)]
pub struct HttpCenter {
    base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

impl HttpCenter {
    /// A client for the center at `base_url` (no trailing slash needed).
    pub fn new(base_url: &str) -> Result<Self, CenterError> {
        let base = base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(CenterError::Rejected(format!(
                "the center URL {base_url:?} must start with http:// or https://"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("bigcartel-fulfillment/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CenterError::Unavailable(e.to_string()))?;
        Ok(HttpCenter { base, http })
    }

    /// The center's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, kind: &str, id: &str) -> String {
        // Keys and references stay one path segment whatever they contain.
        let id = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
        format!("{}/{kind}/{id}", self.base)
    }
}

fn unavailable(e: reqwest::Error) -> CenterError {
    CenterError::Unavailable(e.without_url().to_string())
}

async fn error_text(resp: reqwest::Response) -> String {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&body) {
        Ok(e) => format!("{status}: {}", e.error),
        Err(_) => format!("{status}: {}", body.chars().take(200).collect::<String>()),
    }
}

impl FulfillmentCenter for HttpCenter {
    async fn submit(&self, key: &str, order: &FulfillmentOrder) -> Result<Submission, CenterError> {
        let resp = self
            .http
            .put(self.url("submissions", key))
            .json(order)
            .send()
            .await
            .map_err(unavailable)?;
        let status = resp.status().as_u16();
        match status {
            200 | 201 => resp.json::<Submission>().await.map_err(unavailable),
            409 => Err(CenterError::Conflict(error_text(resp).await)),
            400..=499 if status != 408 && status != 429 => {
                Err(CenterError::Rejected(error_text(resp).await))
            }
            _ => Err(CenterError::Unavailable(error_text(resp).await)),
        }
    }

    async fn find(&self, key: &str) -> Result<Option<Submission>, CenterError> {
        let resp = self
            .http
            .get(self.url("submissions", key))
            .send()
            .await
            .map_err(unavailable)?;
        match resp.status().as_u16() {
            200 => resp
                .json::<Submission>()
                .await
                .map(Some)
                .map_err(unavailable),
            404 => Ok(None),
            _ => Err(CenterError::Unavailable(error_text(resp).await)),
        }
    }

    async fn shipment(&self, reference: &str) -> Result<ShipmentStatus, CenterError> {
        let resp = self
            .http
            .get(self.url("shipments", reference))
            .send()
            .await
            .map_err(unavailable)?;
        match resp.status().as_u16() {
            200 => resp.json::<ShipmentStatus>().await.map_err(unavailable),
            404 => Err(CenterError::Rejected(error_text(resp).await)),
            _ => Err(CenterError::Unavailable(error_text(resp).await)),
        }
    }
}
