//! PostgreSQL for the fulfillment service's tests: Debian's `postgresql` package, installed when
//! its server programs are missing. The tests create, start and stop their own throwaway
//! clusters (`crates/bigcartel-fulfillment/tests/common/pg.rs`); nothing here starts a server.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::run;

/// Where `initdb` and `pg_ctl` are: `PATH` first, then Debian's `/usr/lib/postgresql/*/bin`
/// (the newest version), the same search as the tests'.
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
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs Debian's `postgresql` unless its server programs are already there (with `sudo`
/// when not root). Only the programs are needed: the package's own cluster is not used.
pub fn ensure() -> Result<()> {
    if let Some(bin) = server_bin() {
        println!("PostgreSQL: {}", bin.display());
        return Ok(());
    }
    println!("installing Debian's postgresql (apt-get) for the fulfillment service's tests");
    let root = Path::new("/");
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    let install = ["install", "-y", "-qq", "postgresql"];
    if is_root() {
        run(root, "apt-get", &["update", "-qq"], &env)?;
        run(root, "apt-get", &install, &env)?;
    } else {
        run(root, "sudo", &["apt-get", "update", "-qq"], &env)?;
        let mut args = vec!["DEBIAN_FRONTEND=noninteractive", "apt-get"];
        args.extend(install);
        run(root, "sudo", &args, &[])?;
    }
    match server_bin() {
        Some(bin) => {
            println!("PostgreSQL: {}", bin.display());
            Ok(())
        }
        None => bail!("postgresql was installed but initdb/pg_ctl are still not found"),
    }
}
