//! Why a file was skipped or failed (or a note on an uploaded one): a typed value with a stable
//! code, stored as it is in the journal and the report. It becomes words only when shown, in the
//! reader's language (`crate::words`).

use serde::{Deserialize, Deserializer, Serialize};

use crate::convert::ConvertError;

/// Every reason a user can read about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// Skipped: photolift uploaded the same bytes before, on `date` (YYYY-MM-DD, UTC).
    UploadedBefore { date: String },
    /// Skipped: the same bytes as `first` (its name) in this drop.
    SameAsInDrop { first: String },
    /// Skipped: the user cancelled.
    Cancelled,
    /// Skipped: cancelled while it was with the page, so it may already be in iCloud Photos (the
    /// report must not claim it is not there).
    CancelledInFlight,
    /// Skipped at intake: a system file (`.DS_Store`, `Thumbs.db`, `._*`).
    SystemFile,
    /// Skipped at intake: a sidecar or document by its name (`extension` without the dot).
    SidecarFile { extension: String },
    /// A note on an uploaded file: iCloud answered that it already had the photo (HTTP 409).
    AlreadyThere,
    /// The converter refused the file (when [`ConvertError::is_not_media`], it is skipped).
    Conversion { error: ConvertError },
    /// The conversion worker crashed on this file and was replaced.
    WorkerCrashed,
    /// The worker could not read the file (moved or deleted since the drop).
    Unreadable,
    /// The file is bigger than photolift converts (`megabytes`, the limit `limit_megabytes`).
    TooBigToConvert {
        megabytes: u64,
        limit_megabytes: u64,
    },
    /// The worker was asked to convert without a file.
    NoFileGiven,
    /// The panel no longer has the dropped file.
    OriginalGone,
    /// No conversion worker took the file.
    NoConverterFree,
    /// The converted bytes were gone when the file's batch was sent.
    OutputLost,
    /// iCloud refused the file itself: sending it again would be refused again.
    Refused { answer: PageAnswer },
    /// The upload did not finish (a try; retried while tries remain).
    UploadFailed { answer: PageAnswer },
    /// The page never started uploading the file (a try).
    NeverStarted,
    /// The page showed no progress on the file's batch for `seconds` (a try).
    TimedOut { seconds: u64 },
    /// Failed for good after `tries` hand-offs; `last` is why the last one failed.
    GaveUp { last: Box<Reason>, tries: u32 },
    /// A sentence stored by a version of photolift that kept words, not codes, in its journal.
    Stored { text: String },
    /// An image chosen on a web page ("Upload to iCloud Photos") that its `address` did not give:
    /// `status` 0 when there was no answer, a 2xx status when what came is not an image.
    WebImageUnavailable { address: String, status: u16 },
}

/// What iCloud answered about one file's upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum PageAnswer {
    /// No answer: the connection was lost.
    ConnectionLost,
    /// An HTTP status without a message.
    Status { status: u16 },
    /// Apple's own message (`errorMessage`) with the status.
    Said { message: String, status: u16 },
}

impl PageAnswer {
    /// The answer the page reported: status 0 is a lost connection; Apple's message when it gave one.
    pub fn from_page(status: u16, message: &str) -> PageAnswer {
        match (status, message.is_empty()) {
            (0, _) => PageAnswer::ConnectionLost,
            (_, true) => PageAnswer::Status { status },
            (_, false) => PageAnswer::Said {
                message: message.to_string(),
                status,
            },
        }
    }
}

impl Default for Reason {
    /// For the protocol catalog, which lists message variants with default fields.
    fn default() -> Reason {
        Reason::Unreadable
    }
}

impl Reason {
    /// The stable, machine-readable code of the report's `reason_code` column. A final failure
    /// after retries has the code of its last try (the tries are in `attempts`); a conversion
    /// error `conversion.<kind>`.
    pub fn code(&self) -> String {
        match self {
            Reason::GaveUp { last, .. } => last.code(),
            Reason::Conversion { error } => format!("conversion.{}", error.code()),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|value| value.get("code")?.as_str().map(str::to_string))
                .unwrap_or_default(),
        }
    }

    /// Not a photo or video at all: listed as skipped, not failed.
    pub fn is_not_media(&self) -> bool {
        matches!(self, Reason::Conversion { error } if error.is_not_media())
    }

    /// One value of every variant (and of every conversion error kind and page answer), for the
    /// test that renders each in every shipped language.
    pub fn examples() -> Vec<Reason> {
        let mut all = vec![
            Reason::UploadedBefore {
                date: "2026-11-20".into(),
            },
            Reason::SameAsInDrop {
                first: "IMG_0001.HEIC".into(),
            },
            Reason::Cancelled,
            Reason::CancelledInFlight,
            Reason::SystemFile,
            Reason::SidecarFile {
                extension: "aae".into(),
            },
            Reason::AlreadyThere,
            Reason::WorkerCrashed,
            Reason::Unreadable,
            Reason::TooBigToConvert {
                megabytes: 2_100,
                limit_megabytes: 1_024,
            },
            Reason::NoFileGiven,
            Reason::OriginalGone,
            Reason::NoConverterFree,
            Reason::OutputLost,
            Reason::NeverStarted,
            Reason::TimedOut { seconds: 120 },
            Reason::Stored {
                text: "an old sentence".into(),
            },
        ];
        for status in [0, 200, 404] {
            all.push(Reason::WebImageUnavailable {
                address: "https://example.org/photo.webp".into(),
                status,
            });
        }
        for answer in [
            PageAnswer::ConnectionLost,
            PageAnswer::Status { status: 503 },
            PageAnswer::Said {
                message: "Unsupported asset".into(),
                status: 400,
            },
        ] {
            all.push(Reason::Refused {
                answer: answer.clone(),
            });
            all.push(Reason::UploadFailed { answer });
        }
        for tries in [1, 3] {
            all.push(Reason::GaveUp {
                last: Box::new(Reason::NeverStarted),
                tries,
            });
        }
        all.extend(
            ConvertError::examples()
                .into_iter()
                .map(|error| Reason::Conversion { error }),
        );
        all
    }
}

/// Reads a journaled reason: a typed one, or the sentence a journal written before reasons had
/// codes holds (shown as it was).
pub(super) fn typed_or_stored<'de, D: Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Typed(Reason),
        Stored(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::Typed(reason) => reason,
        Either::Stored(text) => Reason::Stored { text },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_an_example() {
        let mut seen = [false; 22];
        for reason in Reason::examples() {
            // A new variant fails to compile here until it gets an example.
            let slot = match reason {
                Reason::UploadedBefore { .. } => 0,
                Reason::SameAsInDrop { .. } => 1,
                Reason::Cancelled => 2,
                Reason::CancelledInFlight => 3,
                Reason::SystemFile => 4,
                Reason::SidecarFile { .. } => 5,
                Reason::AlreadyThere => 6,
                Reason::Conversion { .. } => 7,
                Reason::WorkerCrashed => 8,
                Reason::Unreadable => 9,
                Reason::NoFileGiven => 10,
                Reason::OriginalGone => 11,
                Reason::NoConverterFree => 12,
                Reason::OutputLost => 13,
                Reason::Refused { .. } => 14,
                Reason::UploadFailed { .. } => 15,
                Reason::NeverStarted => 16,
                Reason::TimedOut { .. } => 17,
                Reason::GaveUp { .. } => 18,
                Reason::Stored { .. } => 19,
                Reason::TooBigToConvert { .. } => 20,
                Reason::WebImageUnavailable { .. } => 21,
            };
            seen[slot] = true;
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
    }

    #[test]
    fn codes_are_stable_snake_case() {
        assert_eq!(Reason::CancelledInFlight.code(), "cancelled_in_flight");
        assert_eq!(
            Reason::GaveUp {
                last: Box::new(Reason::TimedOut { seconds: 120 }),
                tries: 3
            }
            .code(),
            "timed_out"
        );
        assert_eq!(
            Reason::Conversion {
                error: ConvertError::Empty
            }
            .code(),
            "conversion.empty"
        );
    }

    #[test]
    fn reasons_round_trip_through_json() {
        for reason in Reason::examples() {
            let json = serde_json::to_string(&reason).unwrap();
            let back: Reason = serde_json::from_str(&json).unwrap();
            assert_eq!(back, reason, "{json}");
        }
    }
}
