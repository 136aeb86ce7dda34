//! A date-time attribute (`created_at`, `completed_at`...): the text the API sent, kept whole, and
//! parsed to a date-time on request.

use chrono::{DateTime, FixedOffset};

/// A date-time attribute as the API sent it. The text is kept exactly (it is what serializes, and
/// what [`Timestamp::as_str`] and `Deref` give), so nothing is lost whatever the server sends;
/// [`Timestamp::to_datetime`] parses it as RFC 3339 into a [`chrono::DateTime`] that keeps the
/// offset and every fractional digit, or `None` for text that is not RFC 3339.
///
/// ```
/// use bigcartel::Timestamp;
/// let t = Timestamp::from("2024-08-01T21:59:44.000-06:00");
/// let when = t.to_datetime().expect("RFC 3339");
/// assert_eq!(when.timestamp(), 1_722_571_184);
/// assert_eq!(when.offset().local_minus_utc(), -6 * 3600);
/// assert_eq!(t.as_str(), "2024-08-01T21:59:44.000-06:00"); // the text, as sent
///
/// let odd = Timestamp::from("last tuesday");
/// assert_eq!(odd.to_datetime(), None);
/// assert_eq!(&*odd, "last tuesday");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as sent, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The instant and UTC offset the text states, when it is RFC 3339 (`None` otherwise).
    pub fn to_datetime(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.0).ok()
    }
}

impl std::ops::Deref for Timestamp {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Timestamp(text)
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Timestamp(text.to_owned())
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl PartialEq<str> for Timestamp {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Timestamp {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Timestamp)
    }
}

#[cfg(test)]
mod tests {
    use crate::models::Order;

    /// A decoded model's date-time attributes keep their text, whatever it is, and parse when
    /// they are RFC 3339; both decoders write the same text.
    #[test]
    fn decoded_timestamps_keep_their_text_and_parse_on_request() {
        let body = br#"{"data":{"type":"orders","id":"1","attributes":{
            "created_at":"2024-08-01T21:59:44.123456789+05:30",
            "updated_at":"2024-08-01 21:59",
            "completed_at":null}}}"#;
        let order: Order = crate::jsonapi::decode_one(body).unwrap();
        let created = order.created_at.as_ref().unwrap();
        assert_eq!(created.as_str(), "2024-08-01T21:59:44.123456789+05:30");
        let when = created.to_datetime().unwrap();
        assert_eq!(when.timestamp_subsec_nanos(), 123_456_789);
        assert_eq!(when.offset().local_minus_utc(), 5 * 3600 + 30 * 60);
        let updated = order.updated_at.as_ref().unwrap();
        assert_eq!(
            (updated.as_str(), updated.to_datetime()),
            ("2024-08-01 21:59", None)
        );
        assert_eq!(order.completed_at, None);
        let typed = serde_json::to_string(&order).unwrap();
        let model = crate::dynamic::model("orders").unwrap();
        assert_eq!(crate::dynamic::decode_one(model, body).unwrap(), typed);
    }
}
