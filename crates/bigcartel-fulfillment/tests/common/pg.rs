//! A throwaway PostgreSQL server for one test: a cluster created in a temporary folder, started
//! on a free 127.0.0.1 port (its Unix socket in the same folder), stopped and deleted on drop.
//!
//! The server programs are looked up on `PATH`, then in `/usr/lib/postgresql/*/bin` (Debian's
//! `postgresql` package, which `cargo xtask test` installs when missing). A test that needs
//! PostgreSQL and cannot start it fails, telling why; only `BIGCARTEL_TEST_SKIP_POSTGRES=1`
//! (never set by the test command) turns that into a skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Set to `1` to skip the tests that need PostgreSQL instead of failing them.
pub const SKIP_ENV: &str = "BIGCARTEL_TEST_SKIP_POSTGRES";

/// The database user the cluster is created with (trust authentication on loopback only).
pub const USER: &str = "bigcartel";

/// A running PostgreSQL server.
pub struct TestPg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Run the server programs as this user (initdb refuses root).
    run_as: Option<(u32, u32)>,
}

fn find_bin() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Root may not run the server: the `postgres` user (Debian's package creates it) does.
fn run_as() -> Option<(u32, u32)> {
    let uid = String::from_utf8(Command::new("id").arg("-u").output().ok()?.stdout).ok()?;
    if uid.trim() != "0" {
        return None;
    }
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    Some((
        id("-u").expect("running as root, and there is no `postgres` user to run PostgreSQL as"),
        id("-g")?,
    ))
}

impl TestPg {
    /// Starts a server, or `None` when [`SKIP_ENV`] is `1`. Panics, saying why, when PostgreSQL
    /// cannot be started.
    pub fn start() -> Option<TestPg> {
        if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
            eprintln!("{SKIP_ENV}=1: skipping a test that needs PostgreSQL");
            return None;
        }
        let bin = find_bin().unwrap_or_else(|| {
            panic!(
                "PostgreSQL's initdb/pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin: \
                 install Debian's `postgresql` (cargo xtask test does), or set {SKIP_ENV}=1 to skip"
            )
        });
        let dir = tempfile::Builder::new()
            .prefix("bigcartel-pg-")
            .tempdir()
            .expect("temporary folder");
        let run_as = run_as();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .expect("chown the cluster folder");
        }
        let pg = TestPg {
            dir,
            bin,
            port: free_port(),
            run_as,
        };
        let data = pg.data();
        let out = pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        );
        assert!(out.status.success(), "initdb failed: {}", text(&out));
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB",
            pg.port,
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("server.log");
        let out = pg.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            text(&out),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        // pg_ctl -w waited for the server; a connection proves it listens where we think.
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", pg.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not listen on 127.0.0.1:{}",
                pg.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .env("LC_ALL", "C");
        if let Some((uid, gid)) = self.run_as {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid).gid(gid);
        }
        cmd.output()
            .unwrap_or_else(|e| panic!("{program} could not run: {e}"))
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Creates a database and returns its connection settings.
    pub async fn database(&self, name: &str) -> tokio_postgres::Config {
        let (client, conn) = self
            .config("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connect to the test server");
        let driver = tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create the test database");
        drop(client);
        let _ = driver.await;
        self.config(name)
    }

    /// The connection settings of database `name`.
    pub fn config(&self, name: &str) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        c.host("127.0.0.1")
            .port(self.port)
            .user(USER)
            .dbname(name)
            .connect_timeout(Duration::from_secs(10));
        c
    }

    /// The same as a `postgres://` URL (what the service's environment variable takes).
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        let data = self.data();
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap_or(""),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        if !out.status.success() {
            eprintln!("pg_ctl stop: {}", text(&out));
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
