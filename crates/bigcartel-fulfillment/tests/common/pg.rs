//! The throwaway PostgreSQL server of the tests ([`bigcartel_fulfillment::pg_local`]): a test
//! that needs PostgreSQL and cannot start it fails, telling why; only
//! `BIGCARTEL_TEST_SKIP_POSTGRES=1` (never set by the test command) turns that into a skip.

use bigcartel_fulfillment::pg_local::LocalCluster;

/// Set to `1` to skip the tests that need PostgreSQL instead of failing them.
pub const SKIP_ENV: &str = "BIGCARTEL_TEST_SKIP_POSTGRES";

/// A running PostgreSQL server, stopped and deleted on drop.
pub struct TestPg(LocalCluster);

impl TestPg {
    /// Starts a server, or `None` when [`SKIP_ENV`] is `1`. Panics, saying why, when PostgreSQL
    /// cannot be started.
    pub fn start() -> Option<TestPg> {
        if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
            eprintln!("{SKIP_ENV}=1: skipping a test that needs PostgreSQL");
            return None;
        }
        match LocalCluster::start() {
            Ok(c) => Some(TestPg(c)),
            Err(e) => panic!("{e} (or set {SKIP_ENV}=1 to skip the PostgreSQL tests)"),
        }
    }

    /// Creates a database and returns its connection settings.
    pub async fn database(&self, name: &str) -> tokio_postgres::Config {
        self.0
            .create_database(name)
            .await
            .expect("create the test database")
    }

    /// The connection settings of database `name`.
    pub fn config(&self, name: &str) -> tokio_postgres::Config {
        self.0.config(name)
    }

    /// Database `name` as a `postgres://` URL.
    pub fn url(&self, name: &str) -> String {
        self.0.url(name)
    }
}
