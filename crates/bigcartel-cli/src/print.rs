//! All output: JSON for machines, aligned tables and key/value details for people, and progress
//! bars only when a person is watching.
//!
//! Text for people goes through [`line`], which strips control characters: names, addresses and
//! error messages come from the network (a customer can type `ESC ] 0 ; ... BEL` into their name)
//! and must not drive the terminal. JSON output needs no cleaning: serde_json escapes them.

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

/// `s` without terminal control characters: C0 and C1 controls (ESC, BEL, the 8-bit CSI...),
/// DEL, and the bidirectional overrides and isolates that reorder what is shown. Tabs and line
/// breaks become spaces so one value stays on one line.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => None,
            c => Some(c),
        })
        .collect()
}

/// Prints one line for people on stdout, cleaned of control characters (see [`clean`]).
pub fn line(s: &str) {
    println!("{}", clean(s));
}

/// Prints one line for people on stderr, cleaned of control characters (see [`clean`]).
pub fn eline(s: &str) {
    eprintln!("{}", clean(s));
}

/// A serde_json formatter that also escapes what serde_json leaves raw but a terminal may still
/// act on: C1 controls (U+0080..U+009F, among them the 8-bit CSI) and the bidirectional controls.
/// The JSON means the same; only the spelling of those characters changes.
struct TerminalSafe<F>(F);

fn needs_escape(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || c == '\u{200e}'
        || c == '\u{200f}'
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // Pretty-printing is the inner formatter's job: forward its layout hooks.
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `v` as JSON (pretty or compact) with every control character escaped (see [`TerminalSafe`]).
pub fn json_text<T: Serialize + ?Sized>(v: &T, pretty: bool) -> String {
    let mut out = Vec::new();
    let result = if pretty {
        let f = TerminalSafe(serde_json::ser::PrettyFormatter::new());
        v.serialize(&mut serde_json::Serializer::with_formatter(&mut out, f))
    } else {
        let f = TerminalSafe(serde_json::ser::CompactFormatter);
        v.serialize(&mut serde_json::Serializer::with_formatter(&mut out, f))
    };
    match result {
        // Only ASCII escapes were added to serde_json's UTF-8.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
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
    // An object without an id (not a resource) is shown as its JSON: `text` of it would come
    // back here.
    v.get("id").map(text).unwrap_or_else(|| v.to_string())
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Prints a list: JSON (an array) or a table.
pub fn list<T: Serialize>(json: bool, items: &[T], columns: &[Column]) {
    if json {
        println!("{}", json_text(&to_value(&items), true));
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
    let row_line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        line(out.trim_end());
    };
    row_line(columns.iter().map(|c| c.header.to_string()).collect());
    for row in rows {
        row_line(row);
    }
    if items.is_empty() {
        line("(none)");
    }
}

fn one_line(s: String) -> String {
    // Cleaned before measuring, so the widths are those of what is shown.
    let s = clean(&s);
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
        println!("{}", json_text(&v, true));
        return;
    }
    let Value::Object(map) = &v else { return };
    let width = map.keys().map(String::len).max().unwrap_or(0);
    for (k, val) in map {
        let shown = match val {
            Value::Array(a) if a.is_empty() => "(none)".to_string(),
            Value::Array(a) => a.iter().map(summary).collect::<Vec<_>>().join("; "),
            Value::Object(m) if m.is_empty() => "(none)".to_string(),
            // A plain map (`extra_attributes`: what the spec does not declare): each value as JSON.
            Value::Object(m) if !m.contains_key("id") => m
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", "),
            Value::Object(_) => summary(val),
            other => text(other),
        };
        line(&format!("{k:<width$}  {shown}"));
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
            // The type is worth a mention only when it carries a subtype (`order_adjustments/tax`).
            let plain_type =
                k.as_str() == "resource_type" && val.as_str().is_some_and(|t| !t.contains('/'));
            !matches!(k.as_str(), "id" | "name")
                && !plain_type
                && (val.is_string() || val.is_number())
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
        println!(
            "{}",
            json_text(
                &serde_json::json!({ "ok": true, "message": message }),
                false
            )
        );
    } else {
        line(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_without_an_id_is_labelled_by_its_json_not_by_endless_recursion() {
        // `extra_attributes` is such an object; `label` used to call `text`, which called it back.
        let v = serde_json::json!({"customer_phone_number": "555-0100"});
        assert_eq!(label(&v), r#"{"customer_phone_number":"555-0100"}"#);
        assert_eq!(text(&serde_json::json!({})), "{}");
        assert_eq!(
            summary(&serde_json::json!({"id": "1", "resource_type": "countries"})),
            "1 (id 1)"
        );
        assert_eq!(
            summary(
                &serde_json::json!({"id": "2", "amount": "0.50", "resource_type": "order_adjustments/tax"})
            ),
            "2 (id 2, amount=0.50, resource_type=order_adjustments/tax)"
        );
    }

    #[test]
    fn clean_drops_what_drives_a_terminal() {
        assert_eq!(
            clean("Eve\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}x\u{7f}\ty\r\nz"),
            "Eve]0;pwned[2J31mx y  z"
        );
        assert_eq!(clean("Zoë 東京 ✓"), "Zoë 東京 ✓");
    }

    #[test]
    fn json_text_escapes_c1_and_bidi_and_round_trips() {
        let v = serde_json::json!({"name": "a\u{1b}b\u{9b}c\u{202e}d\u{85}é", "n": [1, 2]});
        for pretty in [false, true] {
            let text = json_text(&v, pretty);
            assert!(
                text.chars().all(|c| c == '\n' || !c.is_control()),
                "{text:?}"
            );
            assert!(!text.contains('\u{202e}'), "{text:?}");
            assert!(text.contains("\\u009b") && text.contains("é"), "{text:?}");
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
        }
        assert_eq!(
            json_text(&serde_json::json!({"a": [1]}), true),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1]})).unwrap()
        );
    }
}
