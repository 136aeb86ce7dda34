//! Errors in BigCommerce's shape: `{"status", "title", "type", "errors"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::BTreeMap;

/// Where BigCommerce's error documents point for status codes.
pub const STATUS_DOCS: &str =
    "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// What went wrong.
    pub title: String,
    /// Field to message (validation failures).
    pub errors: BTreeMap<String, String>,
}

impl ApiError {
    /// An error without field messages.
    pub fn new(status: u16, title: String) -> Self {
        ApiError {
            status,
            title,
            errors: BTreeMap::new(),
        }
    }

    /// A 422 with per-field messages.
    pub fn invalid(errors: BTreeMap<String, String>) -> Self {
        ApiError {
            status: 422,
            title: "The request payload is invalid.".into(),
            errors,
        }
    }

    /// The JSON document.
    pub fn body(&self) -> serde_json::Value {
        let mut v = json!({ "status": self.status, "title": self.title, "type": STATUS_DOCS });
        if !self.errors.is_empty() {
            v["errors"] = json!(self.errors);
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.body())).into_response()
    }
}
