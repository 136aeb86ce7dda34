//! What the facades mirror from the core's own Rust source rather than from the spec, read
//! once per `cargo xtask codegen` and handed to every emitter.

use anyhow::Result;

/// What the facades mirror from the core's own source rather than from the spec: the client
/// options and the error kinds (see [`super::client_options`], [`super::error_kinds`]).
#[derive(Debug, Clone, Default)]
pub struct CoreDefs {
    /// The fields of `bigcartel::ClientOptions`.
    pub options: Vec<super::client_options::ClientOption>,
    /// `ApiErrorKind`, `TransportKind` and `DecodeError`'s reasons.
    pub kinds: Vec<super::error_kinds::KindEnum>,
}

impl CoreDefs {
    /// Reads them from the workspace at `root`.
    pub fn read(root: &std::path::Path) -> Result<CoreDefs> {
        Ok(CoreDefs {
            options: super::client_options::read(root)?,
            kinds: super::error_kinds::read(root)?,
        })
    }
}
