//! Big Cartel API client.
#![forbid(unsafe_code)]

pub mod webhook;
