//! Webhook signature verification and typed events (being written).
