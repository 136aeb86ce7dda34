//! The ledger's files on disk: their names, and permissions that keep them their owner's.

use std::path::{Path, PathBuf};

/// `path` with `suffix` appended to its file name (`ledger.db` → `ledger.db-wal`).
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The ledger's files are its owner's alone: they hold buyers' names, emails and addresses.
#[cfg(unix)]
pub(super) mod private {
    use std::io::ErrorKind;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    use crate::ledger::LedgerError;

    /// Creates missing directories `0700`; existing ones are left as they are.
    pub(crate) fn create_dir_all(dir: &Path) -> std::io::Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }

    /// Creates `path` with mode `0600` when `create` and it is missing. An existing file others
    /// can write is refused ([`LedgerError::Insecure`]); one others can only read is made
    /// private.
    pub(crate) fn secure_file(path: &Path, create: bool) -> Result<(), LedgerError> {
        let io = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        if create {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(e)),
            }
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound && !create => return Ok(()),
            Err(e) => return Err(io(e)),
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(LedgerError::Insecure {
                path: path.to_path_buf(),
                mode,
            });
        }
        if mode & 0o044 != 0 {
            tracing::warn!(path = %path.display(), mode = format_args!("{mode:o}"), "ledger file was readable by others; made private");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))
                .map_err(io)?;
        }
        Ok(())
    }
}

/// Other platforms: the operating system's defaults (access control lists on Windows).
#[cfg(not(unix))]
pub(super) mod private {
    use std::path::Path;

    use crate::ledger::LedgerError;

    pub(crate) fn create_dir_all(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    pub(crate) fn secure_file(_path: &Path, _create: bool) -> Result<(), LedgerError> {
        Ok(())
    }
}
