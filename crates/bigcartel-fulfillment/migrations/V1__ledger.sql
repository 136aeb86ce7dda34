-- The per-merchant ledger: the SQLite ledger's tables (see src/ledger.rs), keyed by merchant.
CREATE TABLE ledger_accounts (
    merchant_id TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL
);

CREATE TABLE ledger_orders (
    merchant_id     TEXT NOT NULL,
    order_id        TEXT NOT NULL,
    state           TEXT NOT NULL,
    idempotency_key TEXT,
    payload         TEXT,
    reference       TEXT,
    reason          TEXT,
    last_error      TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_at        BIGINT,
    carrier         TEXT,
    tracking_number TEXT,
    first_seen_at   BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, order_id)
);
CREATE INDEX ledger_orders_state ON ledger_orders (merchant_id, state);

CREATE TABLE ledger_events (
    seq         BIGSERIAL PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    at          BIGINT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX ledger_events_order ON ledger_events (merchant_id, order_id);
-- The status pages' chart: submissions and shipments over time.
CREATE INDEX ledger_events_to ON ledger_events (merchant_id, to_state, at);
