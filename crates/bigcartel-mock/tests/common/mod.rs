//! Shared helpers: start a mock, talk to it with plain reqwest.
#![allow(dead_code)]

use bigcartel_mock::{MEDIA_TYPE, MockConfig, MockServer};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const UA: &str = "bigcartel-mock-tests (https://example.com/contact)";

pub async fn start() -> MockServer {
    start_with(MockConfig::default()).await
}

pub async fn start_with(cfg: MockConfig) -> MockServer {
    MockServer::start(cfg).await.expect("mock server starts")
}

/// One response, body parsed as JSON when possible.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The single error object of a JSON:API error document.
    pub fn error(&self) -> &Value {
        let errors = self.json["errors"].as_array().expect("an error document");
        assert_eq!(errors.len(), 1, "{}", self.json);
        &errors[0]
    }
}

pub struct Api {
    pub http: reqwest::Client,
    pub url: String,
    pub account: u64,
    pub token: String,
}

impl Api {
    pub fn new(server: &MockServer) -> Api {
        Api {
            http: bigcartel::http_client_builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("client"),
            url: server.url().to_string(),
            account: server.account_id(),
            token: server.config().token.clone(),
        }
    }

    /// `/v1/accounts/{account}{rest}`
    pub fn acct(&self, rest: &str) -> String {
        format!("/v1/accounts/{}{rest}", self.account)
    }

    /// A request with User-Agent, Accept and Bearer auth.
    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .header(USER_AGENT, UA)
            .header(ACCEPT, MEDIA_TYPE)
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
    }

    pub async fn get(&self, path: &str) -> Resp {
        send(self.req(Method::GET, path)).await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Resp {
        send(
            self.req(method, path)
                .header(CONTENT_TYPE, MEDIA_TYPE)
                .body(serde_json::to_vec(body).expect("json")),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Resp {
        self.send_json(Method::PATCH, path, body).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        send(self.req(Method::DELETE, path)).await
    }
}

/// Sends a request. A header set twice keeps only its last value, so a test
/// can override the defaults of [`Api::req`] with `.header(...)`.
pub async fn send(rb: reqwest::RequestBuilder) -> Resp {
    let resp = try_send(rb).await.expect("request sent and answered");
    read(resp).await
}

/// Like [`send`] but returns the transport error instead of panicking.
pub async fn try_send(rb: reqwest::RequestBuilder) -> reqwest::Result<reqwest::Response> {
    let (client, req) = rb.build_split();
    let mut req = req?;
    let names: Vec<_> = req.headers().keys().cloned().collect();
    for name in names {
        if let Some(last) = req.headers().get_all(&name).iter().next_back().cloned() {
            req.headers_mut().insert(name, last);
        }
    }
    client.execute(req).await
}

/// Reads a response fully.
pub async fn read(resp: reqwest::Response) -> Resp {
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body read").to_vec();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        bytes,
        json,
    }
}

/// Sends raw bytes over TCP and returns everything read until the server
/// closes the connection (send `Connection: close`).
pub async fn raw_http(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut out),
    )
    .await;
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `(type, id)` linked from `data` relationships is in `included`,
/// and `included` has no duplicates.
pub fn assert_linkage_resolves(doc: &Value, except_types: &[&str]) {
    let included = doc["included"].as_array().cloned().unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    for r in &included {
        let key = (
            r["type"].as_str().unwrap().to_string(),
            r["id"].as_str().unwrap().to_string(),
        );
        assert!(seen.insert(key.clone()), "duplicate included {key:?}");
    }
    let mut resources: Vec<&Value> = match &doc["data"] {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    resources.extend(included.iter());
    for r in resources {
        let Some(rels) = r["relationships"].as_object() else {
            continue;
        };
        for rel in rels.values() {
            let ids: Vec<&Value> = match &rel["data"] {
                Value::Array(a) => a.iter().collect(),
                Value::Null => vec![],
                v => vec![v],
            };
            for id in ids {
                let key = (
                    id["type"].as_str().unwrap().to_string(),
                    id["id"].as_str().unwrap().to_string(),
                );
                if except_types.contains(&key.0.as_str()) {
                    continue;
                }
                assert!(seen.contains(&key), "linkage {key:?} not in included");
            }
        }
    }
}
