//! The ledger holds buyers' names, emails and addresses: its files are the owner's alone, and a
//! ledger others can write is refused.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use bigcartel_fulfillment::ledger::{Durability, Ledger, LedgerError};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_new_ledger_and_its_wal_shm_and_lock_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("ledger.db");
    let ledger = Ledger::open(&path, Durability::Full).unwrap();
    let _lock = ledger.lock().unwrap();
    // A write, so that the WAL and its index exist while the connection is open.
    ledger.observe(&["1001".to_string()]).unwrap();
    let mut modes = Vec::new();
    for p in [
        path.clone(),
        sibling(&path, "-wal"),
        sibling(&path, "-shm"),
        sibling(&path, ".lock"),
    ] {
        assert!(p.exists(), "{} missing", p.display());
        modes.push((
            p.file_name().unwrap().to_string_lossy().into_owned(),
            mode(&p),
        ));
    }
    modes.push(("nested/".into(), mode(path.parent().unwrap())));
    let shown: Vec<String> = modes.iter().map(|(n, m)| format!("{n} {m:o}")).collect();
    println!("modes: {shown:?}");
    for (name, m) in &modes {
        assert_eq!(m & 0o077, 0, "{name} is {m:o}: others can read it");
    }
}

#[test]
fn a_ledger_others_can_write_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    drop(Ledger::open(&path, Durability::Full).unwrap());
    for (file, loose) in [
        (path.clone(), 0o666),
        (path.clone(), 0o620),
        (sibling(&path, "-wal"), 0o602),
    ] {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&file)
            .unwrap();
        chmod(&file, loose);
        let err = Ledger::open(&path, Durability::Full).unwrap_err();
        println!("{loose:o} {}: {err}", file.display());
        assert!(
            matches!(&err, LedgerError::Insecure { path: p, mode } if p == &file && *mode == loose),
            "{err:?}"
        );
        assert!(err.to_string().contains("chmod 600"), "{err}");
        chmod(&file, 0o600);
    }
    drop(Ledger::open(&path, Durability::Full).unwrap());
}

#[test]
fn an_existing_ledger_readable_by_others_is_made_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    drop(Ledger::open(&path, Durability::Full).unwrap());
    chmod(&path, 0o644);
    let ledger = Ledger::open(&path, Durability::Full).unwrap();
    ledger.observe(&["1001".to_string()]).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&sibling(&path, "-wal")) & 0o077, 0);
}
