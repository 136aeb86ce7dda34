//! All output: JSON for machines, aligned tables and key/value details for people, and progress
//! bars only when a person is watching.

use serde::Serialize;
use serde_json::Value;
use std::io::IsTerminal;

/// A table column: its header and how to read the cell from the serialized resource.
pub struct Column {
    /// The header.
    pub header: &'static str,
    /// The cell.
    pub cell: fn(&Value) -> String,
}

/// A column reading one attribute.
#[macro_export]
macro_rules! col {
    ($header:literal, $field:literal) => {
        $crate::print::Column {
            header: $header,
            cell: |v| $crate::print::text(&v[$field]),
        }
    };
    ($header:literal, $f:expr) => {
        $crate::print::Column {
            header: $header,
            cell: $f,
        }
    };
}

/// A value as table text: strings bare, null empty.
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(label).collect::<Vec<_>>().join(", "),
        Value::Object(_) => label(v),
        other => other.to_string(),
    }
}

/// How a related resource is named: its `name`, else its `label`, else its id.
pub fn label(v: &Value) -> String {
    for key in ["name", "product_name", "label", "message", "url"] {
        if let Some(s) = v.get(key).and_then(Value::as_str) {
            return s.to_string();
        }
    }
    v.get("id").map(text).unwrap_or_else(|| text(v))
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Prints a list: JSON (an array) or a table.
pub fn list<T: Serialize>(json: bool, items: &[T], columns: &[Column]) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&to_value(&items)).unwrap_or_default()
        );
        return;
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| to_value(i))
        .map(|v| columns.iter().map(|c| one_line((c.cell)(&v))).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.header.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        println!("{}", out.trim_end());
    };
    line(columns.iter().map(|c| c.header.to_string()).collect());
    for row in rows {
        line(row);
    }
    if items.is_empty() {
        println!("(none)");
    }
}

fn one_line(s: String) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

/// Prints one resource: JSON, or `key: value` lines with relationships summarized. Every attribute
/// the spec declares appears, so a new attribute shows up here without a code change.
pub fn detail<T: Serialize>(json: bool, item: &T) {
    let v = to_value(item);
    if json {
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    let Value::Object(map) = &v else { return };
    let width = map.keys().map(String::len).max().unwrap_or(0);
    for (k, val) in map {
        let shown = match val {
            Value::Array(a) if a.is_empty() => "(none)".to_string(),
            Value::Array(a) => a.iter().map(summary).collect::<Vec<_>>().join("; "),
            Value::Object(_) => summary(val),
            other => text(other),
        };
        println!("{k:<width$}  {shown}");
    }
}

/// A related resource in one line: its label and its other scalar attributes.
fn summary(v: &Value) -> String {
    let Value::Object(map) = v else {
        return text(v);
    };
    let extras: Vec<String> = map
        .iter()
        .filter(|(k, val)| {
            !matches!(k.as_str(), "id" | "name") && (val.is_string() || val.is_number())
        })
        .map(|(k, val)| format!("{k}={}", text(val)))
        .collect();
    let id = map.get("id").map(text).unwrap_or_default();
    if extras.is_empty() {
        format!("{} (id {id})", label(v))
    } else {
        format!("{} (id {id}, {})", label(v), extras.join(", "))
    }
}

/// A progress counter on stderr when it is a terminal; hidden when piped.
pub fn progress(what: &'static str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.set_message(what);
    pb
}

/// A confirmation line for people (nothing in JSON mode, where the exit code says it).
pub fn done(json: bool, message: &str) {
    if json {
        println!("{}", serde_json::json!({ "ok": true, "message": message }));
    } else {
        println!("{message}");
    }
}
