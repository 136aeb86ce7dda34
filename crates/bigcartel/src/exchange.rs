//! One request and its whole answer, in memory: how the table-driven operations
//! ([`crate::dynamic`]), account discovery and OAuth reach the API.
//!
//! Requests carry the same headers as the generated raw client's ([`Transport::prepare`]) and
//! go through the same retry loop ([`crate::retry`]). Natively they are sent with reqwest; on
//! wasm with the runtime's own `fetch`, so the npm package carries no HTTP library of its own.

use crate::classify::api_error;
use crate::error::{Error, Operation};
use crate::transport::Transport;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};

/// A request: the API's operation, its URL (query included) and its body.
pub(crate) struct Request<'a> {
    pub op: &'a Operation,
    pub url: String,
    /// Whether it carries the JSON:API media type.
    pub json_api: bool,
    /// The body and its media type (replaced by JSON:API's for JSON:API requests).
    pub body: Option<(Vec<u8>, &'static str)>,
}

/// An answer, whatever its status.
pub(crate) struct Response {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

/// Whether a status is a success (2xx).
pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

impl Response {
    /// The answer if it is a success; otherwise the API error the typed client reports for it.
    pub fn success(self, op: &Operation) -> Result<Response, Error> {
        if is_success(self.status) {
            return Ok(self);
        }
        let retry_after = self
            .retry_after
            .as_deref()
            .and_then(crate::retry::parse_retry_after)
            .map(|d| d.as_secs());
        Err(api_error(op, self.status, retry_after, &self.body))
    }
}

impl Request<'_> {
    fn headers(&self, transport: &Transport) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some((_, media)) = &self.body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(media));
        }
        transport.prepare(&mut headers, self.json_api);
        headers
    }
}

/// Sends `request` with retries; any answer is returned, only a failed exchange is an error.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn send(
    http: &reqwest::Client,
    transport: &Transport,
    request: Request<'_>,
) -> Result<Response, Error> {
    let op = request.op;
    let method = reqwest::Method::from_bytes(op.method.as_bytes())
        .map_err(|e| Error::invalid_input(op, e.to_string()))?;
    let mut builder = http
        .request(method, &request.url)
        .headers(request.headers(transport));
    if let Some((body, _)) = request.body {
        builder = builder.body(body);
    }
    let built = builder
        .build()
        .map_err(|e| crate::classify::transport(op, &e))?;
    let response = crate::retry::execute_with_retry(
        http,
        built,
        &transport.retry,
        &transport.stats,
        op.id,
        transport.max_body,
    )
    .await
    .map_err(|e| crate::classify::transport(op, &e))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match response.bytes().await {
        Ok(b) => b.to_vec(),
        // An error's body is only read for its details.
        Err(_) if !is_success(status) => Vec::new(),
        Err(e) => return Err(crate::classify::transport(op, &e)),
    };
    Ok(Response {
        status,
        retry_after,
        body,
    })
}

/// Sends `request` with the runtime's `fetch` (browsers, Node, Deno, Bun, Workers), with retries.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn send(
    _http: &reqwest::Client,
    transport: &Transport,
    request: Request<'_>,
) -> Result<Response, Error> {
    use crate::retry::{Outcome, is_idempotent, parse_retry_after, retry_loop};
    let op = request.op;
    let headers = request.headers(transport);
    let attempt = || {
        fetch::once(
            op.method,
            &request.url,
            &headers,
            request.body.as_ref(),
            transport.max_body,
        )
    };
    let result = retry_loop(
        &transport.retry,
        &transport.stats,
        op.id,
        is_idempotent(op.method),
        attempt(),
        || Some(attempt()),
        |r| match r {
            Ok(a) => Outcome::Status {
                status: a.status,
                retry_after: a.retry_after.as_deref().and_then(parse_retry_after),
            },
            Err(fetch::Failure::TooLarge(_)) => Outcome::Final,
            // fetch does not say whether the request left: a write is never repeated.
            Err(fetch::Failure::Fetch(_)) => Outcome::Broken,
        },
    )
    .await;
    let answer = result.map_err(|failure| match failure {
        fetch::Failure::TooLarge(limit) => Error::Transport {
            operation: *op,
            kind: crate::error::TransportKind::TooLarge,
            message: crate::body::TooLarge { limit }.to_string(),
        },
        fetch::Failure::Fetch(message) => Error::Transport {
            operation: *op,
            kind: crate::error::TransportKind::Other,
            message,
        },
    })?;
    Ok(Response {
        status: answer.status,
        retry_after: answer.retry_after,
        body: answer.body,
    })
}

#[cfg(target_arch = "wasm32")]
mod fetch {
    use reqwest::header::HeaderMap;
    use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        // The global `fetch` of every JavaScript runtime.
        #[wasm_bindgen(js_name = fetch)]
        fn fetch_request(request: &web_sys::Request) -> js_sys::Promise;
    }

    /// Why an attempt failed.
    pub(super) enum Failure {
        /// The runtime's fetch failed (its message).
        Fetch(String),
        /// The body was over the cap (the cap).
        TooLarge(usize),
    }

    impl From<String> for Failure {
        fn from(message: String) -> Self {
            Failure::Fetch(message)
        }
    }

    /// One attempt's answer, body read.
    pub(super) struct Answer {
        pub status: u16,
        pub retry_after: Option<String>,
        pub body: Vec<u8>,
    }

    /// The runtime's message for a failed fetch (never the request's headers).
    fn message(e: JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "fetch failed".into())
    }

    /// One `fetch`, its body read whole: a body cut short fails the attempt like a dropped
    /// connection.
    pub(super) async fn once(
        method: &str,
        url: &str,
        headers: &HeaderMap,
        body: Option<&(Vec<u8>, &'static str)>,
        max_body: usize,
    ) -> Result<Answer, Failure> {
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        // Never followed (see `client::http_client`): a redirect comes back as its 3xx (Node,
        // Deno, Bun, Workers) or as an opaque redirect with status 0 (browsers).
        init.set_redirect(web_sys::RequestRedirect::Manual);
        let js_headers = web_sys::Headers::new().map_err(message)?;
        for (name, value) in headers {
            let value = value.to_str().map_err(|e| e.to_string())?;
            js_headers.set(name.as_str(), value).map_err(message)?;
        }
        init.set_headers(&js_headers);
        if let Some((bytes, _)) = body {
            init.set_body(&js_sys::Uint8Array::from(bytes.as_slice()));
        }
        let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(message)?;
        let response: web_sys::Response = JsFuture::from(fetch_request(&request))
            .await
            .map_err(message)?
            .dyn_into()
            .map_err(message)?;
        let retry_after = response.headers().get("retry-after").ok().flatten();
        let status = if response.type_() == web_sys::ResponseType::Opaqueredirect {
            // The browser hides the redirect's status; any 3xx is reported as one.
            302
        } else {
            response.status()
        };
        let declared = response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > max_body as u64) {
            return Err(Failure::TooLarge(max_body));
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(message)?)
            .await
            .map_err(message)?;
        let body = js_sys::Uint8Array::new(&buffer);
        // fetch reads the whole body before this point can look at it; an undeclared length is
        // checked here.
        if body.length() as usize > max_body {
            return Err(Failure::TooLarge(max_body));
        }
        Ok(Answer {
            status,
            retry_after,
            body: body.to_vec(),
        })
    }
}
