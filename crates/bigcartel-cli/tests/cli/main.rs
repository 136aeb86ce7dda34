//! The `bigcartel` binary end to end: spawned as a process against the mock server, asserting on
//! its output, its exit code and the mock's state afterwards.

mod commands;
mod fulfill;
mod output;
mod resources;
mod secrets;
mod terminal;

use bigcartel_mock::{MockConfig, MockServer};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const TOKEN: &str = "mock-token";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bigcartel"))
}

fn run_with(server: &MockServer, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIGCARTEL_API_URL", server.url())
        .env("BIGCARTEL_TOKEN", TOKEN);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn run(server: &MockServer, args: &[&str]) -> Output {
    run_with(server, args, &[])
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).expect("--json output parses")
}

async fn mock() -> MockServer {
    MockServer::start(MockConfig {
        products: 15,
        orders: 130,
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// Runs the binary with only PATH and the API URL in the environment, `stdin` piped in.
fn run_stdin(server: &MockServer, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIGCARTEL_API_URL", server.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
