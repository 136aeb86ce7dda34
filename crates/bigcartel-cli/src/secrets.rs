//! Secrets come from the environment or a file, not from the command line: arguments are visible
//! to every local user (`ps`, `/proc/PID/cmdline`) and end up in shell history.

use crate::Failure;
use clap::ArgMatches;
use clap::parser::ValueSource;
use std::io::Read;

/// The secret flags still accepted on the command line, with where the secret should come from.
const FLAGS: &[(&str, &str, &str)] = &[
    (
        "token",
        "--token",
        "set BIGCARTEL_TOKEN or use --token-file",
    ),
    (
        "basic",
        "--basic",
        "set BIGCARTEL_BASIC_AUTH or use --basic-file",
    ),
    (
        "secret",
        "--secret",
        "set BIGCARTEL_CLIENT_SECRET or use --secret-file",
    ),
    (
        "client_secret",
        "--client-secret",
        "set BIGCARTEL_CLIENT_SECRET or use --client-secret-file",
    ),
];

/// Warns on stderr (once per flag) about each secret given as a command-line argument rather
/// than through its environment variable. The value itself is never printed.
pub fn warn_command_line(matches: &ArgMatches) {
    let mut warned = Vec::new();
    let mut level = Some(matches);
    while let Some(m) = level {
        for (id, flag, instead) in FLAGS {
            // `try_get_raw` first: `value_source` wants an id the (sub)command defines.
            let given = m.try_get_raw(id).is_ok_and(|v| v.is_some())
                && m.value_source(id) == Some(ValueSource::CommandLine);
            if given && !warned.contains(id) {
                warned.push(*id);
                eprintln!(
                    "warning: {flag} on the command line is visible to other local users (ps, /proc/PID/cmdline); {instead} instead"
                );
            }
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
}

/// Reads a secret from `path`, or from stdin when `path` is `-`. The trailing line break is
/// dropped; an empty secret is an error. `what` names it in messages (never its value).
pub fn read(path: &str, what: &str) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| Failure::Usage(format!("cannot read the {what} from {path}: {e}")))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        return Err(Failure::Usage(format!("the {what} in {path} is empty")));
    }
    Ok(secret.to_string())
}

/// The secret from `--X-file` when given, else from `--X` / its environment variable.
pub fn pick(
    value: Option<&str>,
    file: Option<&str>,
    what: &str,
) -> Result<Option<String>, Failure> {
    match file {
        Some(path) => read(path, what).map(Some),
        None => Ok(value.map(str::to_string)),
    }
}
