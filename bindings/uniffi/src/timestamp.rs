//! Date-time attributes: the text the API sent, kept whole, read as a point in time on request.

use std::time::SystemTime;

/// A date-time attribute (`createdAt`, `completedAt`...) as the API sent it. `text` is kept
/// exactly, so nothing is lost whatever the server sends; `instant()` and `offsetSeconds()` read
/// it as RFC 3339, and are absent for text that is not. The string form is the text. (Named so
/// because uniffi's Python module already uses `Timestamp` for its own date-time type; the Python
/// package's models use a `str` subclass named `Timestamp` instead.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
#[uniffi::export(Display)]
pub struct DateTimeText {
    /// The text as sent (`2024-08-01T21:59:44.000-06:00`).
    pub text: String,
}

#[uniffi::export]
impl DateTimeText {
    /// The instant the text states: a `java.time.Instant` in Kotlin (to the nanosecond), a
    /// `Date` in Swift, a `datetime` in Python. Absent when the text is not RFC 3339.
    pub fn instant(&self) -> Option<SystemTime> {
        self.datetime().map(SystemTime::from)
    }

    /// The UTC offset the text states, in seconds (`-21600` for `-06:00`, `0` for `Z`), which
    /// the instant alone does not keep. Absent when the text is not RFC 3339.
    pub fn offset_seconds(&self) -> Option<i32> {
        self.datetime().map(|d| d.offset().local_minus_utc())
    }
}

impl DateTimeText {
    fn datetime(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        bigcartel::Timestamp::from(self.text.as_str()).to_datetime()
    }
}

impl std::fmt::Display for DateTimeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<bigcartel::Timestamp> for DateTimeText {
    fn from(t: bigcartel::Timestamp) -> Self {
        DateTimeText {
            text: t.into_string(),
        }
    }
}
