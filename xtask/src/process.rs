//! Running other programs: a command with its output streamed, a mock server process for the
//! steps that need one, and where the workspace is (its target directory, its metadata, the files
//! under a folder).

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A path as the `&str` a command line takes; an error naming it when it is not UTF-8.
pub fn path_str(p: &Path) -> Result<&str> {
    p.to_str()
        .with_context(|| format!("non-UTF-8 path {}", p.display()))
}

/// Runs a command in `dir`, streaming its output; fails with the command line on a non-zero exit.
pub fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<()> {
    let status = command(dir, program, args, envs)
        .status()
        .with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// `program` with `args`, to run in `dir` with `envs` added to the environment.
fn command(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace root when
/// relative), or `target/` in the workspace.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// A program installed in a Python virtualenv (`bin/`, or `Scripts\` on Windows).
pub fn venv_bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(format!("{name}.exe"))
    } else {
        venv.join("bin").join(name)
    }
}

/// Creates the virtualenv `dir` (emptied first with `fresh`) unless it exists, and installs the
/// pinned `packages` from PyPI into it, pip's cache under `build/`; returns `dir`.
pub fn python_venv(root: &Path, dir: &Path, fresh: bool, packages: &[&str]) -> Result<PathBuf> {
    if fresh && dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    if !venv_bin(dir, "python").exists() {
        run(root, "python3", &["-m", "venv", path_str(dir)?], &[])?;
    }
    let cache = root.join("build/pip-cache");
    let mut args = vec![
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ];
    args.extend_from_slice(packages);
    run(
        root,
        path_str(&venv_bin(dir, "python"))?,
        &args,
        &[("PIP_CACHE_DIR", path_str(&cache)?)],
    )?;
    Ok(dir.to_path_buf())
}

/// Runs a command in `dir` and returns what it printed on standard output; fails with the
/// command line and its standard error on a non-zero exit.
pub fn output(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<Vec<u8>> {
    let out = command(dir, program, args, envs)
        .output()
        .with_context(|| format!("could not start `{program}`"))?;
    if !out.status.success() {
        bail!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out.stdout)
}

/// `cargo metadata --no-deps` of the workspace at `root`, parsed.
pub fn cargo_metadata(root: &Path) -> Result<serde_json::Value> {
    let manifest = root.join("Cargo.toml");
    let stdout = output(
        root,
        "cargo",
        &[
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
            path_str(&manifest)?,
        ],
        &[],
    )?;
    Ok(serde_json::from_slice(&stdout)?)
}

/// Every file under `dir`, at any depth, appended to `out`.
pub fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The workspace root.
pub fn root() -> PathBuf {
    // A drill points this binary at its scratch copy of the workspace (see `codegen_in`).
    if let Some(dir) = std::env::var_os(ROOT_ENV) {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The variable that points xtask at another copy of the workspace.
pub(crate) const ROOT_ENV: &str = "BIGCARTEL_XTASK_ROOT";

/// A `bigcartel-mock` process on a free port (`--port 0`; the URL is read from its first line),
/// stopped on drop. Used by every step that needs the mock as a separate process.
pub struct MockProcess {
    child: Child,
    /// The mock's base URL.
    pub url: String,
}

impl MockProcess {
    /// Starts the mock binary `bin` with `args` beside `--port 0 --quiet`.
    pub fn start(bin: &Path, args: &[&str]) -> Result<MockProcess> {
        let mut child = Command::new(bin)
            .args(["--port", "0", "--quiet"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start {}", bin.display()))?;
        let stdout = child.stdout.take().context("mock stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mock = |child| MockProcess {
            child,
            url: String::new(),
        };
        let first = match lines.next() {
            Some(Ok(line)) => line,
            _ => {
                drop(mock(child));
                bail!("the mock printed nothing");
            }
        };
        // "bigcartel-mock listening on http://127.0.0.1:PORT (account ...".
        let Some(url) = first.split_whitespace().find(|w| w.starts_with("http://")) else {
            drop(mock(child));
            bail!("no URL in the mock's first line: {first}");
        };
        let url = url.to_string();
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(MockProcess { child, url })
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
