//! What every emitter is given ([`Input`]) and the one signature they share ([`Emitter`]).

use super::api::Api;
use super::core_defs::CoreDefs;
use super::emit::format_tokens;
use super::target::Target;
use anyhow::{Result, anyhow};
use proc_macro2::TokenStream;

/// What every emitter reads: the target, its described API and, for targets with facades, the
/// definitions read from the core's source.
pub struct Input<'a> {
    /// The target being generated.
    pub target: &'a Target,
    /// The described spec.
    pub api: &'a Api,
    pub(super) core: Option<&'a CoreDefs>,
}

impl Input<'_> {
    /// The core's options and error kinds; an error for a target without facades.
    pub fn core(&self) -> Result<&CoreDefs> {
        self.core
            .ok_or_else(|| anyhow!("{} has no facades to generate", self.target.spec_path))
    }

    /// The header of a generated Rust or TypeScript file.
    pub fn header(&self) -> String {
        self.target.header()
    }

    /// A file of the core crate's source directory, with the header over `tokens` formatted.
    pub fn core_file(&self, name: &str, tokens: TokenStream) -> Result<(String, String)> {
        Ok((
            format!("{}/{name}", self.target.out_dir),
            format!("{}{}", self.header(), format_tokens(tokens)?),
        ))
    }
}

/// One emitter: every file it writes, as `(path relative to the workspace root, contents)`.
pub type Emitter = fn(&Input) -> Result<Vec<(String, String)>>;
