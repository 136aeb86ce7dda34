//! `bigcartel fulfill serve`: the fulfillment service for many merchants.
//!
//! ```text
//!  browser ──► connect page ──► Big Cartel authorize ──► /oauth/callback ──┐
//!                                                                          ▼
//!  Big Cartel webhooks ──► /webhooks ──► (signature, account id) ──► PostgreSQL ◄── workers
//!                                          merchants · leases · ledgers · passes     (N processes,
//!  merchant ──► /m/<key> status page ◄─────────────────────────────────┘            leases per
//!  operator ──► /ops (bearer or Basic) ◄───────────────────────────────┘            merchant)
//! ```
//!
//! * The web front ([`web`]) hosts the connect flow, the webhook endpoint for every merchant and
//!   the status pages. Access tokens are sealed with ChaCha20-Poly1305 ([`TokenCipher`], key
//!   from [`TOKEN_KEY_ENV`]) before they reach the database.
//! * Workers ([`worker`]) take due merchants under a lease ([`crate::pg::PgDatabase`]) and run
//!   one engine pass each, within a time budget, on the merchant's [`crate::pg::PgLedger`].

pub mod html;
pub mod web;
pub mod worker;

use std::time::Duration;

use base64::Engine as _;
use bigcartel::Secret;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use sha2::Digest;

use crate::ledger::{LedgerError, now_ms};
use crate::pg::PgDatabase;

/// The PostgreSQL connection (`postgres://user:password@host/db` or `host=… dbname=…`). An
/// environment variable only: it may hold a password, which must not show in process lists.
pub const DATABASE_URL_ENV: &str = "BIGCARTEL_FULFILL_DATABASE_URL";
/// The key that seals access tokens at rest: 32 random bytes, base64 (`openssl rand -base64 32`).
pub const TOKEN_KEY_ENV: &str = "BIGCARTEL_FULFILL_TOKEN_KEY";
/// The OAuth client secret (also the webhook signing key).
pub const CLIENT_SECRET_ENV: &str = "BIGCARTEL_CLIENT_SECRET";
/// The operators' bearer token (or Basic password) for `/ops`.
pub const OPERATOR_TOKEN_ENV: &str = "BIGCARTEL_FULFILL_OPERATOR_TOKEN";

/// Why the service cannot start or go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// A required setting is missing or unusable.
    #[error("{0}")]
    Config(String),
    /// The database failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A sealed token could not be opened (another key, or altered).
    #[error("the stored token of merchant {0} cannot be decrypted with this key")]
    Unseal(String),
    /// The listener could not start.
    #[error("listening on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

impl From<tokio_postgres::Error> for ServiceError {
    fn from(e: tokio_postgres::Error) -> Self {
        ServiceError::Ledger(e.into())
    }
}

impl From<deadpool_postgres::PoolError> for ServiceError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ServiceError::Ledger(e.into())
    }
}

/// Reads a required secret from the environment.
pub fn secret_from_env(name: &str) -> Result<Secret, ServiceError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
        _ => Err(ServiceError::Config(format!(
            "set {name} in the environment (it is never taken from the command line)"
        ))),
    }
}

/// The database settings from [`DATABASE_URL_ENV`].
pub fn database_config_from_env() -> Result<tokio_postgres::Config, ServiceError> {
    let url = secret_from_env(DATABASE_URL_ENV)?;
    url.expose().parse().map_err(|_| {
        // The parser's message may quote the URL, password included: not repeated.
        ServiceError::Config(format!(
            "{DATABASE_URL_ENV} is not a PostgreSQL connection string"
        ))
    })
}

/// Seals and opens access tokens with ChaCha20-Poly1305. Each token gets a fresh random nonce;
/// the merchant id is the associated data, so a sealed token copied to another merchant's row
/// does not open.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher(<redacted>)")
    }
}

const NONCE_LEN: usize = 12;

impl TokenCipher {
    /// A cipher from 32 bytes of base64.
    pub fn from_base64(key: &Secret) -> Result<TokenCipher, ServiceError> {
        let bad = || {
            ServiceError::Config(format!(
                "{TOKEN_KEY_ENV} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)"
            ))
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key.expose().trim())
            .map_err(|_| bad())?;
        let cipher = ChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| bad())?;
        Ok(TokenCipher { cipher })
    }

    /// The cipher from [`TOKEN_KEY_ENV`]; the service refuses to start without it.
    pub fn from_env() -> Result<TokenCipher, ServiceError> {
        TokenCipher::from_base64(&secret_from_env(TOKEN_KEY_ENV)?)
    }

    /// `nonce || ciphertext+tag`.
    pub fn seal(&self, merchant_id: &str, token: &Secret) -> Result<Vec<u8>, ServiceError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|e| ServiceError::Config(format!("no secure random source: {e}")))?;
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: token.expose().as_bytes(),
                    aad: merchant_id.as_bytes(),
                },
            )
            .map_err(|_| ServiceError::Config("token encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    /// Opens what [`TokenCipher::seal`] sealed for `merchant_id`.
    pub fn open(&self, merchant_id: &str, sealed: &[u8]) -> Result<Secret, ServiceError> {
        let fail = || ServiceError::Unseal(merchant_id.to_string());
        if sealed.len() < NONCE_LEN {
            return Err(fail());
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| fail())?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: merchant_id.as_bytes(),
                },
            )
            .map_err(|_| fail())?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| fail())
    }
}

/// SHA-256, hex: how links' keys and OAuth states are stored (the database never holds one that
/// works).
pub fn digest(value: &str) -> String {
    sha2::Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh unguessable key (256 bits, hex).
pub fn new_key() -> String {
    bigcartel::oauth::OAuthApp::new_state()
}

/// Whether `id` is an acceptable merchant id: what the fulfillment company calls the merchant
/// (1 to 64 letters, digits, `-`, `_`, `.`).
pub fn valid_merchant_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A merchant's row as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merchant {
    /// The fulfillment company's id for the merchant.
    pub merchant_id: String,
    /// The connected Big Cartel account.
    pub account_id: Option<String>,
    /// Whether a token is stored.
    pub connected: bool,
    /// When it was connected (Unix milliseconds).
    pub connected_at: Option<i64>,
    /// The worker holding its lease, if the lease is current.
    pub lease_owner: Option<String>,
}

/// One recorded pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassRecord {
    /// The merchant.
    pub merchant_id: String,
    /// The worker that ran it.
    pub worker: String,
    /// Start (Unix milliseconds).
    pub started_at: i64,
    /// End (Unix milliseconds).
    pub finished_at: i64,
    /// The pass report's one-line summary.
    pub summary: String,
    /// Why it stopped early, if it did.
    pub error: Option<String>,
}

/// Passes kept per merchant.
pub const PASSES_KEPT: i64 = 50;

/// The service's tables (see `migrations/V2__merchants.sql`).
#[derive(Debug, Clone)]
pub struct Merchants {
    db: PgDatabase,
}

const MERCHANT_COLUMNS: &str = "merchant_id, account_id, token_sealed IS NOT NULL, connected_at, \
     CASE WHEN lease_until >= (extract(epoch from clock_timestamp()) * 1000)::bigint THEN lease_owner END";

fn merchant_row(r: &tokio_postgres::Row) -> Result<Merchant, ServiceError> {
    Ok(Merchant {
        merchant_id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        connected: r.try_get(2)?,
        connected_at: r.try_get(3)?,
        lease_owner: r.try_get(4)?,
    })
}

/// What storing a connection did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connected {
    /// Stored; the merchant's new status link key.
    Stored {
        /// The key of `/m/<key>` (only its digest is stored).
        status_key: String,
        /// Whether a token was replaced.
        replaced: bool,
    },
    /// The account is already connected to another merchant id.
    AccountTaken {
        /// That merchant.
        other: String,
    },
    /// The merchant's ledger belongs to another account (it connected another shop before).
    LedgerOfAnotherAccount {
        /// The account of the ledger.
        ledger: String,
    },
}

impl Merchants {
    /// The service's tables in `db`.
    pub fn new(db: PgDatabase) -> Merchants {
        Merchants { db }
    }

    /// The database.
    pub fn db(&self) -> &PgDatabase {
        &self.db
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, ServiceError> {
        Ok(self.db.pool().get().await?)
    }

    /// Hands out an OAuth `state` for `merchant_id` (stored as its digest).
    pub async fn new_oauth_state(&self, merchant_id: &str) -> Result<String, ServiceError> {
        let state = new_key();
        let c = self.client().await?;
        // States older than an hour are of no use: dropped as new ones come.
        c.execute(
            "DELETE FROM oauth_states WHERE created_at < $1",
            &[&(now_ms() - 3_600_000)],
        )
        .await?;
        c.execute(
            "INSERT INTO oauth_states (state_hash, merchant_id, created_at) VALUES ($1, $2, $3)",
            &[&digest(&state), &merchant_id, &now_ms()],
        )
        .await?;
        Ok(state)
    }

    /// Consumes an OAuth `state`: the merchant it was handed out for, if it is known and at
    /// most `max_age` old. A state works once.
    pub async fn take_oauth_state(
        &self,
        state: &str,
        max_age: Duration,
    ) -> Result<Option<String>, ServiceError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "DELETE FROM oauth_states WHERE state_hash = $1 RETURNING merchant_id, created_at",
                &[&digest(state)],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let merchant: String = row.try_get(0)?;
        let created: i64 = row.try_get(1)?;
        Ok((now_ms() - created <= max_age.as_millis() as i64).then_some(merchant))
    }

    /// Stores a connection: the sealed token and the account, a new status link, and the first
    /// pass due at once. A reconnection replaces the token.
    pub async fn connect(
        &self,
        merchant_id: &str,
        account_id: &str,
        sealed_token: &[u8],
    ) -> Result<Connected, ServiceError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        if let Some(row) = tx
            .query_opt(
                "SELECT merchant_id FROM merchants WHERE account_id = $1 AND merchant_id <> $2",
                &[&account_id, &merchant_id],
            )
            .await?
        {
            return Ok(Connected::AccountTaken {
                other: row.try_get(0)?,
            });
        }
        if let Some(row) = tx
            .query_opt(
                "SELECT account_id FROM ledger_accounts WHERE merchant_id = $1 AND account_id <> $2",
                &[&merchant_id, &account_id],
            )
            .await?
        {
            return Ok(Connected::LedgerOfAnotherAccount {
                ledger: row.try_get(0)?,
            });
        }
        let replaced: bool = tx
            .query_opt(
                "SELECT token_sealed IS NOT NULL FROM merchants WHERE merchant_id = $1 FOR UPDATE",
                &[&merchant_id],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or(false);
        let key = new_key();
        let now = now_ms();
        tx.execute(
            "INSERT INTO merchants (merchant_id, account_id, token_sealed, status_key_hash,
                 created_at, connected_at, next_pass_at, wake)
             VALUES ($1, $2, $3, $4, $5, $5, 0, TRUE)
             ON CONFLICT (merchant_id) DO UPDATE SET account_id = $2, token_sealed = $3,
                 status_key_hash = $4, connected_at = $5, next_pass_at = 0, wake = TRUE",
            &[
                &merchant_id,
                &account_id,
                &sealed_token,
                &digest(&key),
                &now,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Connected::Stored {
            status_key: key,
            replaced,
        })
    }

    /// Deletes the merchant's token: no more passes (the ledger stays, for the record and for a
    /// reconnection). Returns the account it was connected to.
    pub async fn disconnect(&self, merchant_id: &str) -> Result<Option<String>, ServiceError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "UPDATE merchants SET token_sealed = NULL, wake = FALSE WHERE merchant_id = $1
                 RETURNING account_id",
                &[&merchant_id],
            )
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?.flatten())
    }

    /// The merchant connected to a Big Cartel account.
    pub async fn by_account(&self, account_id: &str) -> Result<Option<Merchant>, ServiceError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE account_id = $1"),
                &[&account_id],
            )
            .await?;
        row.as_ref().map(merchant_row).transpose()
    }

    /// The merchant whose status link key is `key`.
    pub async fn by_status_key(&self, key: &str) -> Result<Option<Merchant>, ServiceError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE status_key_hash = $1"),
                &[&digest(key)],
            )
            .await?;
        row.as_ref().map(merchant_row).transpose()
    }

    /// One merchant.
    pub async fn get(&self, merchant_id: &str) -> Result<Option<Merchant>, ServiceError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE merchant_id = $1"),
                &[&merchant_id],
            )
            .await?;
        row.as_ref().map(merchant_row).transpose()
    }

    /// Every merchant, by id (at most `limit`).
    pub async fn list(&self, limit: i64) -> Result<Vec<Merchant>, ServiceError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants ORDER BY merchant_id LIMIT $1"),
                &[&limit],
            )
            .await?;
        rows.iter().map(merchant_row).collect()
    }

    /// Makes the merchant's next pass due at once (an `order.created` webhook).
    pub async fn wake(&self, merchant_id: &str) -> Result<(), ServiceError> {
        self.client()
            .await?
            .execute(
                "UPDATE merchants SET next_pass_at = 0, wake = TRUE
                 WHERE merchant_id = $1 AND token_sealed IS NOT NULL",
                &[&merchant_id],
            )
            .await?;
        Ok(())
    }

    /// The merchant's account and sealed token, if connected.
    pub async fn credentials(
        &self,
        merchant_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, ServiceError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT account_id, token_sealed FROM merchants
                 WHERE merchant_id = $1 AND token_sealed IS NOT NULL AND account_id IS NOT NULL",
                &[&merchant_id],
            )
            .await?;
        Ok(row
            .map(|r| -> Result<_, tokio_postgres::Error> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .transpose()?)
    }

    /// Records a pass, keeping the last [`PASSES_KEPT`] per merchant.
    pub async fn record_pass(&self, pass: &PassRecord) -> Result<(), ServiceError> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO passes (merchant_id, worker, started_at, finished_at, summary, error)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &pass.merchant_id,
                &pass.worker,
                &pass.started_at,
                &pass.finished_at,
                &pass.summary,
                &pass.error,
            ],
        )
        .await?;
        c.execute(
            "DELETE FROM passes WHERE merchant_id = $1 AND seq <= (
                 SELECT seq FROM passes WHERE merchant_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)",
            &[&pass.merchant_id, &PASSES_KEPT],
        )
        .await?;
        Ok(())
    }

    /// The last `limit` passes, of one merchant or of all, newest first.
    pub async fn passes(
        &self,
        merchant_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<PassRecord>, ServiceError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT merchant_id, worker, started_at, finished_at, summary, error FROM passes
                 WHERE $1::text IS NULL OR merchant_id = $1 ORDER BY seq DESC LIMIT $2",
                &[&merchant_id, &limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PassRecord {
                    merchant_id: r.try_get(0)?,
                    worker: r.try_get(1)?,
                    started_at: r.try_get(2)?,
                    finished_at: r.try_get(3)?,
                    summary: r.try_get(4)?,
                    error: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Orders moved to `submitted` and to `shipped` per time bucket since `since` (of one
    /// merchant or all): `buckets` counts each, for the chart.
    pub async fn activity(
        &self,
        merchant_id: Option<&str>,
        since: i64,
        until: i64,
        buckets: usize,
    ) -> Result<(Vec<u64>, Vec<u64>), ServiceError> {
        let buckets = buckets.max(1);
        let width = ((until - since).max(1) as f64 / buckets as f64).ceil() as i64;
        let rows = self
            .client()
            .await?
            .query(
                "SELECT to_state, LEAST($3::bigint - 1, (at - $2::bigint) / $4::bigint) AS b, COUNT(*)
                 FROM ledger_events
                 WHERE ($1::text IS NULL OR merchant_id = $1) AND at >= $2
                   AND to_state IN ('submitted', 'shipped')
                 GROUP BY 1, 2",
                &[&merchant_id, &since, &(buckets as i64), &width.max(1)],
            )
            .await?;
        let (mut submitted, mut shipped) = (vec![0u64; buckets], vec![0u64; buckets]);
        for r in rows {
            let state: String = r.try_get(0)?;
            let b: i64 = r.try_get(1)?;
            let n: i64 = r.try_get(2)?;
            let Some(i) = usize::try_from(b).ok().filter(|i| *i < buckets) else {
                continue;
            };
            match state.as_str() {
                "submitted" => submitted[i] += n.max(0) as u64,
                _ => shipped[i] += n.max(0) as u64,
            }
        }
        Ok((submitted, shipped))
    }
}

/// A token shown on a page: its first characters and its length, never the whole.
pub fn mask_token(token: &Secret) -> String {
    let t = token.expose();
    let head: String = t.chars().take(4).collect();
    format!("{head}… ({} characters)", t.chars().count())
}
