//! Running other programs: a command with its output streamed, a mock server process for the
//! steps that need one, and where the workspace is.

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
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
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
