//! A string that never shows itself in Debug or Display output.

use std::fmt;

/// A credential (token, password, client secret). Its `Debug` and `Display` print `[redacted]`, so
/// it cannot leak through logs, panics or error messages; read it with [`Secret::expose`].
///
/// ```
/// let s = api_runtime::Secret::new("tok_123");
/// assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
/// assert_eq!(s.expose(), "tok_123");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}
