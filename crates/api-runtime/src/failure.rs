//! What a failed raw-client call means, for every client of the workspace: progenitor's error
//! classified once, here, into facts each client turns into its own error type (the clients'
//! error bodies and error types differ; what counts as a transport failure, an undocumented
//! status or a refused request does not).
//!
//! ```no_run
//! # async fn run(e: progenitor_client::Error<()>) {
//! use api_runtime::failure::{Failure, classify};
//! match classify(e).await {
//!     Failure::Documented(rv) => println!("documented error status {}", rv.status()),
//!     Failure::Undocumented { status, body, .. } => println!("{status}: {:?}", body.map(|b| b.len())),
//!     other => println!("{other:?}"),
//! }
//! # }
//! ```

use crate::TransportKind;
use progenitor_client::ResponseValue;

/// A failed call, classified.
#[derive(Debug)]
pub enum Failure<E> {
    /// An error status the operation documents; its body is already read into the API's error
    /// type.
    Documented(ResponseValue<E>),
    /// A status the operation does not document (a success status among them: 200 where the
    /// spec says 201), with its body.
    Undocumented {
        /// The HTTP status.
        status: u16,
        /// `Retry-After`, in seconds, when sent.
        retry_after: Option<u64>,
        /// The body, or why it could not be read.
        body: Result<Vec<u8>, Transport>,
    },
    /// The request failed below HTTP.
    Transport(Transport),
    /// The raw client refused to build the request (an invalid argument).
    InvalidRequest(String),
    /// A success status whose body is not the declared type.
    InvalidPayload {
        /// The body's length, in bytes (the body itself may hold customer data).
        body_len: usize,
        /// The decoder's message.
        message: String,
    },
}

/// A failure below HTTP: its kind and a message without the request's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transport {
    /// What kind of failure.
    pub kind: TransportKind,
    /// What happened.
    pub message: String,
}

impl Transport {
    /// A reqwest error, described (see [`TransportKind::describe`]).
    pub fn of(e: &reqwest::Error) -> Transport {
        let (kind, message) = TransportKind::describe(e);
        Transport { kind, message }
    }
}

/// Classifies a raw client's error; an undocumented status's body is read here.
pub async fn classify<E>(e: progenitor_client::Error<E>) -> Failure<E> {
    use progenitor_client::Error as P;
    match e {
        P::ErrorResponse(rv) => Failure::Documented(rv),
        P::UnexpectedResponse(r) => {
            let status = r.status().as_u16();
            let retry_after = crate::retry::retry_after_secs(r.headers());
            let body = r
                .bytes()
                .await
                .map(|b| b.to_vec())
                .map_err(|e| Transport::of(&e));
            Failure::Undocumented {
                status,
                retry_after,
                body,
            }
        }
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
            Failure::Transport(Transport::of(&e))
        }
        P::InvalidRequest(message) => Failure::InvalidRequest(message),
        P::InvalidResponsePayload(body, e) => Failure::InvalidPayload {
            body_len: body.len(),
            message: e.to_string(),
        },
        // A hook's own failure: nothing below HTTP is known about it.
        P::Custom(message) => Failure::Transport(Transport {
            kind: TransportKind::Other,
            message,
        }),
    }
}
