-- The merchants of the multi-merchant service, and the leases that keep two workers off one
-- merchant. Times are Unix milliseconds of the database's clock, so that workers on machines
-- whose clocks differ agree on when a lease expires.
CREATE TABLE merchants (
    merchant_id     TEXT PRIMARY KEY,
    -- The Big Cartel account; NULL until connected. One merchant per account.
    account_id      TEXT UNIQUE,
    -- nonce || ciphertext of the access token (ChaCha20-Poly1305, key from the environment).
    token_sealed    BYTEA,
    -- SHA-256 of the merchant's status link key (the key itself is only in the link).
    status_key_hash TEXT,
    created_at      BIGINT NOT NULL,
    connected_at    BIGINT,
    -- The worker holding the merchant's pass, its fencing number, and until when.
    lease_owner     TEXT,
    lease_epoch     BIGINT NOT NULL DEFAULT 0,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    -- Not before this time is the next pass due (an order.created webhook sets it to 0).
    next_pass_at    BIGINT NOT NULL DEFAULT 0,
    -- Set by a webhook that arrives during a pass: the next pass is due at once.
    wake            BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX merchants_due ON merchants (next_pass_at) WHERE token_sealed IS NOT NULL;

-- OAuth `state` values handed out by the connect page, bound to the merchant.
CREATE TABLE oauth_states (
    state_hash  TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The last passes per merchant, for the status pages.
CREATE TABLE passes (
    seq         BIGSERIAL PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    worker      TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    summary     TEXT NOT NULL,
    error       TEXT
);
CREATE INDEX passes_merchant ON passes (merchant_id, seq);
