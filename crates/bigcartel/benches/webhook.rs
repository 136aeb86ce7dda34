//! Webhook verification benchmark (being written).
fn main() {}
