//! A throwaway PostgreSQL server on this machine, for tests and benchmarks: a cluster created in
//! a fresh temporary folder (`initdb`, trust authentication, user [`USER`]), started on a free
//! `127.0.0.1` port with its Unix socket in the same folder, stopped and deleted on drop.
//! Durability is off (`fsync=off`): nothing here is meant to survive.
//!
//! The server programs are looked up on `PATH`, then in `/usr/lib/postgresql/*/bin` (Debian's
//! `postgresql` package; `cargo xtask test` installs it when missing). Run as root, the server
//! runs as the `postgres` user, since `initdb` refuses root.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The database user the cluster is created with.
pub const USER: &str = "bigcartel";

/// Why a cluster could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// `initdb`/`pg_ctl` are neither on `PATH` nor in `/usr/lib/postgresql/*/bin`.
    #[error(
        "PostgreSQL's initdb/pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin: install Debian's `postgresql`"
    )]
    NotInstalled,
    /// Running as root, and there is no `postgres` user to run the server as.
    #[error("running as root, and there is no `postgres` user to run PostgreSQL as")]
    NoServerUser,
    /// A file-system step failed.
    #[error("{what}: {source}")]
    Io {
        /// The step.
        what: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// A server program failed.
    #[error("{program} failed: {output}")]
    Program {
        /// The program.
        program: &'static str,
        /// What it printed (and the server log, for `pg_ctl start`).
        output: String,
    },
    /// The server did not listen in time.
    #[error("PostgreSQL did not listen on 127.0.0.1:{0} within 30 s")]
    NotListening(u16),
}

/// A running throwaway server.
#[derive(Debug)]
pub struct LocalCluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    run_as: Option<(u32, u32)>,
}

/// Where `initdb` and `pg_ctl` are.
pub fn server_bin() -> Option<PathBuf> {
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

fn id(args: &[&str]) -> Option<u32> {
    let out = Command::new("id").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> ClusterError {
    move |source| ClusterError::Io { what, source }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl LocalCluster {
    /// Creates and starts a cluster.
    pub fn start() -> Result<LocalCluster, ClusterError> {
        let bin = server_bin().ok_or(ClusterError::NotInstalled)?;
        let run_as = if id(&["-u"]) == Some(0) {
            Some((
                id(&["-u", "postgres"]).ok_or(ClusterError::NoServerUser)?,
                id(&["-g", "postgres"]).ok_or(ClusterError::NoServerUser)?,
            ))
        } else {
            None
        };
        let dir = std::env::temp_dir().join(format!(
            "bigcartel-pg-{}-{}",
            std::process::id(),
            &crate::service::new_key()[..12]
        ));
        std::fs::create_dir(&dir).map_err(io("creating the cluster folder"))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(io("giving the cluster folder to postgres"))?;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(io("finding a free port"))?
            .port();
        // From here on, dropping the value stops the server (if started) and removes the folder.
        let cluster = LocalCluster {
            dir,
            bin,
            port,
            run_as,
        };
        let data = cluster.data();
        let data = data.to_string_lossy();
        let out = cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        )?;
        if !out.status.success() {
            return Err(ClusterError::Program {
                program: "initdb",
                output: text(&out),
            });
        }
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB",
            cluster.port,
            cluster.dir.display()
        );
        let log = cluster.dir.join("server.log");
        let out = cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-o",
                &options,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )?;
        if !out.status.success() {
            return Err(ClusterError::Program {
                program: "pg_ctl start",
                output: format!(
                    "{}\n{}",
                    text(&out),
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", cluster.port)).is_err() {
            if Instant::now() > deadline {
                return Err(ClusterError::NotListening(cluster.port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn run(&self, program: &'static str, args: &[&str]) -> Result<Output, ClusterError> {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .env("LC_ALL", "C");
        if let Some((uid, gid)) = self.run_as {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid).gid(gid);
        }
        cmd.output().map_err(|source| ClusterError::Io {
            what: program,
            source,
        })
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster folder.
    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// Database `name` as a `postgres://` URL (what `BIGCARTEL_FULFILL_DATABASE_URL` takes).
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates database `name` and returns its connection settings.
    pub async fn create_database(
        &self,
        name: &str,
    ) -> Result<tokio_postgres::Config, tokio_postgres::Error> {
        let (client, conn) = self
            .config("postgres")
            .connect(tokio_postgres::NoTls)
            .await?;
        let driver = tokio::spawn(conn);
        let created = client
            .batch_execute(&format!("CREATE DATABASE \"{}\"", name.replace('"', "")))
            .await;
        drop(client);
        let _ = driver.await;
        created.map(|()| self.config(name))
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let data = self.data();
        if data.join("postmaster.pid").exists() {
            match self.run(
                "pg_ctl",
                &[
                    "-D",
                    &data.to_string_lossy(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
            ) {
                Ok(out) if !out.status.success() => {
                    tracing::warn!(output = %text(&out), "pg_ctl stop failed")
                }
                Err(e) => tracing::warn!(error = %e, "pg_ctl stop failed"),
                _ => {}
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
