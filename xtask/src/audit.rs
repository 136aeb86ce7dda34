//! The release's vulnerability audits of its npm and Python sides: `npm audit` and `pip-audit`.
//! (The Rust side is `cargo deny check advisories`, in the deny step.)
//!
//! Both packages declare no dependencies of their own: the npm tarball's `package.json` has no
//! `dependencies`, and the wheel's metadata no `Requires-Dist`. Each audit therefore checks that
//! first, and audits the tools the release is built and checked with (the npm tool tree of
//! `build/wasm-tools`, the Python tool virtualenvs). Both tools ask a registry service, which
//! may not answer (these machines reach the package registries' downloads only): the audit then
//! says so and what it could not check, and fails only on a reported vulnerability, or on a
//! package dependency it could not audit.

use crate::process::{output, path_str, python_venv, venv_bin};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The Python auditor, pinned.
const PIP_AUDIT: &str = "pip-audit==2.10.1";

/// What an audit's report says.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every package was looked up; none has a known vulnerability at the level checked.
    Clean { audited: usize },
    /// Found vulnerabilities, one line each.
    Vulnerable(Vec<String>),
    /// The advisory service did not answer, with what it said instead.
    Unanswered(String),
}

/// Reads `npm audit --json`: an error object when the registry refuses the audit request,
/// otherwise the v2 report, whose high and critical findings count.
pub fn read_npm(report: &Value) -> Verdict {
    if report.get("auditReportVersion").is_none() {
        let said = report
            .get("message")
            .or_else(|| report.pointer("/error/summary"))
            .and_then(Value::as_str)
            .unwrap_or("no audit report");
        return Verdict::Unanswered(said.to_string());
    }
    let found: Vec<String> = report
        .get("vulnerabilities")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, v)| matches!(v["severity"].as_str(), Some("high" | "critical")))
        .map(|(name, v)| format!("{name}: {}", v["severity"].as_str().unwrap_or("?")))
        .collect();
    if found.is_empty() {
        let audited = report
            .pointer("/metadata/dependencies/total")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        Verdict::Clean { audited }
    } else {
        Verdict::Vulnerable(found)
    }
}

/// Reads `pip-audit -f json`: a package it could not look up carries a `skip_reason`; one with
/// known vulnerabilities lists them under `vulns`.
pub fn read_pip(report: &Value) -> Verdict {
    let deps = report["dependencies"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for dep in &deps {
        let name = dep["name"].as_str().unwrap_or("?");
        if let Some(why) = dep["skip_reason"].as_str() {
            skipped.push(why.to_string());
            continue;
        }
        for vuln in dep["vulns"].as_array().into_iter().flatten() {
            found.push(format!(
                "{name} {}: {}",
                dep["version"].as_str().unwrap_or("?"),
                vuln["id"].as_str().unwrap_or("?")
            ));
        }
    }
    if !found.is_empty() {
        Verdict::Vulnerable(found)
    } else if !skipped.is_empty() {
        Verdict::Unanswered(format!(
            "{} of {} packages not looked up, e.g. \"{}\"",
            skipped.len(),
            deps.len(),
            skipped[0]
        ))
    } else {
        Verdict::Clean {
            audited: deps.len(),
        }
    }
}

/// Acts on a verdict: prints it, and fails on vulnerabilities.
fn report(what: &str, verdict: Verdict) -> Result<()> {
    match verdict {
        Verdict::Clean { audited } => {
            println!("{what}: {audited} packages audited, no known vulnerability");
            Ok(())
        }
        Verdict::Vulnerable(found) => {
            bail!("{what}: vulnerabilities found:\n  {}", found.join("\n  "))
        }
        Verdict::Unanswered(said) => {
            println!(
                "{what}: NOT AUDITED: the advisory service does not answer from this machine ({said})"
            );
            Ok(())
        }
    }
}

/// The npm side: the package declares no dependencies, then `npm audit` on the tool tree.
pub fn npm(package_json: &Value, tools: &Path) -> Result<()> {
    for field in ["dependencies", "peerDependencies", "optionalDependencies"] {
        if package_json
            .get(field)
            .and_then(Value::as_object)
            .is_some_and(|deps| !deps.is_empty())
        {
            bail!(
                "the npm package now declares {field}: its dependency tree needs an audit that answers"
            );
        }
    }
    println!("npm package: declares no dependencies (nothing of its own to audit)");
    let out = Command::new("npm")
        .args(["audit", "--json"])
        .current_dir(tools)
        .output()
        .context("could not run npm audit")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed: Value = serde_json::from_str(&text)
        .with_context(|| format!("npm audit printed no JSON: {text}"))?;
    report("npm audit of the build and test tools", read_npm(&parsed))
}

/// The Python side: the wheel requires nothing, then `pip-audit` on the tool virtualenvs.
pub fn python(root: &Path, wheel: &Path, tool_venvs: &[&Path]) -> Result<()> {
    let auditor = python_venv(
        root,
        &root.join("build/tools/pip-audit"),
        false,
        &[PIP_AUDIT],
    )?;
    let python = venv_bin(&auditor, "python");
    let requires = output(
        root,
        path_str(&python)?,
        &[
            "-c",
            "import sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             meta = [n for n in z.namelist() if n.endswith('.dist-info/METADATA')]\n\
             text = z.read(meta[0]).decode()\n\
             print('\\n'.join(l for l in text.split('\\n\\n')[0].splitlines() if l.startswith('Requires-Dist:')))",
            path_str(wheel)?,
        ],
        &[],
    )
    .context("reading the wheel's metadata")?;
    let requires = String::from_utf8_lossy(&requires);
    if !requires.trim().is_empty() {
        bail!(
            "the wheel now requires packages ({}): its dependency tree needs an audit that answers",
            requires.trim()
        );
    }
    println!("wheel: requires no packages (nothing of its own to audit)");
    let mut pins = String::new();
    for venv in tool_venvs {
        let python = venv_bin(venv, "python");
        let frozen = output(
            root,
            path_str(&python)?,
            &["-m", "pip", "freeze", "--all"],
            &[],
        )?;
        pins.push_str(&String::from_utf8_lossy(&frozen));
    }
    let file = root.join("build/tools/pip-audit/requirements.txt");
    std::fs::write(&file, pins)?;
    let out = Command::new(venv_bin(&auditor, "pip-audit"))
        .args([
            "--disable-pip",
            "--no-deps",
            "--progress-spinner",
            "off",
            "-f",
            "json",
            "-r",
            path_str(&file)?,
        ])
        .output()
        .context("could not run pip-audit")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "pip-audit printed no JSON: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    report("pip-audit of the build and test tools", read_pip(&parsed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn npm_refusing_the_audit_is_unanswered_not_clean() {
        let refused = json!({"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", "statusCode": 405});
        assert!(matches!(read_npm(&refused), Verdict::Unanswered(m) if m.starts_with("405")));
    }

    #[test]
    fn npm_high_findings_fail_and_low_ones_do_not() {
        let report = json!({
            "auditReportVersion": 2,
            "vulnerabilities": {
                "tar": {"severity": "high"},
                "ms": {"severity": "low"}
            },
            "metadata": {"dependencies": {"total": 40}}
        });
        assert_eq!(
            read_npm(&report),
            Verdict::Vulnerable(vec!["tar: high".into()])
        );
        let clean = json!({"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {"dependencies": {"total": 40}}});
        assert_eq!(read_npm(&clean), Verdict::Clean { audited: 40 });
    }

    #[test]
    fn pip_audit_skipping_every_package_is_unanswered() {
        let report = json!({"dependencies": [
            {"name": "maturin", "skip_reason": "Dependency not found on PyPI and could not be audited: maturin (1.16.0)"},
            {"name": "wheel", "skip_reason": "Dependency not found on PyPI and could not be audited: wheel (0.48.0)"}
        ], "fixes": []});
        assert!(matches!(read_pip(&report), Verdict::Unanswered(m) if m.starts_with("2 of 2")));
    }

    #[test]
    fn pip_audit_vulnerabilities_fail() {
        let report = json!({"dependencies": [
            {"name": "twine", "version": "7.0.0", "vulns": []},
            {"name": "requests", "version": "2.25.0", "vulns": [{"id": "PYSEC-2023-74"}]}
        ]});
        assert_eq!(
            read_pip(&report),
            Verdict::Vulnerable(vec!["requests 2.25.0: PYSEC-2023-74".into()])
        );
        let clean = json!({"dependencies": [{"name": "twine", "version": "7.0.0", "vulns": []}]});
        assert_eq!(read_pip(&clean), Verdict::Clean { audited: 1 });
    }
}
