//! Resource linkage in the compact form the API sends, read without a JSON parser.
//!
//! Why: resolving a relationship reads its `data` text, and the profile of the typed decoder
//! put that reading (serde_json's deserializer over `{"type":"…","id":"…"}`) at about a fifth
//! of a 100-order page's decode. The API writes linkage compactly: no whitespace, `type` then
//! `id` (or `id` then `type`), both plain strings. Those forms are matched byte by byte here; anything else (a
//! number id, an escape, whitespace, another member, another order) is left to the parser,
//! so the result is the parser's on every input this accepts.

/// The `(type, id)` pairs of `text` when it is `null`, one compact identifier object or a list
/// of them; `None` when it is anything else.
pub(crate) fn linkage(text: &str) -> Option<Vec<(&str, &str)>> {
    let bytes = text.as_bytes();
    match bytes.first()? {
        b'n' => (text == "null").then(Vec::new),
        b'{' => {
            let (pair, rest) = identifier(text)?;
            rest.is_empty().then(|| vec![pair])
        }
        b'[' => {
            let mut rest = &text[1..];
            let mut out = Vec::new();
            if let Some(end) = rest.strip_prefix(']') {
                return end.is_empty().then_some(out);
            }
            loop {
                let (pair, after) = identifier(rest)?;
                out.push(pair);
                match after.as_bytes().first()? {
                    b',' => rest = &after[1..],
                    b']' => return (after.len() == 1).then_some(out),
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// `{"type":"T","id":"I"}` or `{"id":"I","type":"T"}` (the docs' order, and a sorted
/// writer's) at the start of `text`: the pair and what follows.
fn identifier(text: &str) -> Option<((&str, &str), &str)> {
    if let Some(rest) = text.strip_prefix(r#"{"type":""#) {
        let (resource_type, rest) = plain(rest)?;
        let (id, rest) = plain(rest.strip_prefix(r#","id":""#)?)?;
        Some(((resource_type, id), rest.strip_prefix('}')?))
    } else {
        let (id, rest) = plain(text.strip_prefix(r#"{"id":""#)?)?;
        let (resource_type, rest) = plain(rest.strip_prefix(r#","type":""#)?)?;
        Some(((resource_type, id), rest.strip_prefix('}')?))
    }
}

/// The text up to the next `"` when it holds no escape or control character, and what follows
/// that quote.
fn plain(text: &str) -> Option<(&str, &str)> {
    let end = text
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)?;
    (text.as_bytes()[end] == b'"').then(|| (&text[..end], &text[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::linkage;

    #[test]
    fn the_compact_form_is_read_and_anything_else_is_left_to_the_parser() {
        let pair = |t, i| (t, i);
        assert_eq!(linkage("null"), Some(vec![]));
        assert_eq!(linkage("[]"), Some(vec![]));
        assert_eq!(
            linkage(r#"{"type":"products","id":"7"}"#),
            Some(vec![pair("products", "7")])
        );
        assert_eq!(
            linkage(r#"[{"type":"a","id":"1"},{"type":"order_adjustments/tax","id":""}]"#),
            Some(vec![pair("a", "1"), pair("order_adjustments/tax", "")])
        );
        assert_eq!(
            linkage(r#"[{"id":"9","type":"countries"},{"type":"b","id":"2"}]"#),
            Some(vec![pair("countries", "9"), pair("b", "2")])
        );
        for other in [
            "",
            "nul",
            "null ",
            "[ ]",
            "[],",
            r#"{"type":"a","id":1}"#,
            r#"{"id":"1","type":"a","id":"2"}"#,
            r#"{"type":"a","type":"b"}"#,
            r#"{"type":"a","id":"1","meta":{}}"#,
            r#"{"type":"a\"b","id":"1"}"#,
            r#"{"type":"a","id":"1\u0041"}"#,
            r#"{ "type":"a","id":"1"}"#,
            r#"[{"type":"a","id":"1"} ]"#,
            r#"[{"type":"a","id":"1"},]"#,
            r#"[{"type":"a","id":"1"}]x"#,
            r#"{"type":"a","id":"1"}x"#,
            "\"text\"",
            "7",
        ] {
            assert_eq!(linkage(other), None, "{other}");
        }
    }
}
