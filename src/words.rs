//! The one place where a reason becomes words: every [`Reason`] and [`ConvertError`] names a
//! message of `extension/_locales/<language>/messages.json` and its substitutions, and is turned
//! into a sentence only here, when it is shown (the panel, the report, the CLI).
//!
//! The panel looks messages up through the browser (`chrome.i18n`); natively (the CLI, `Display`
//! of the core's errors, the tests) [`Catalog`] reads a `messages.json` with the same rules. The
//! core stores reasons as codes (the journal, the report's `reason_code`), so a stored reason can
//! be shown in another language than the one it was recorded in.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::convert::{ConvertError, NonPhoto};
use crate::queue::{PageAnswer, Reason};

/// Looks up a message by key with its substitutions (`$1`, `$2`, … in order); `None` when the
/// language has no such message.
///
/// Numbers and dates in a sentence are written by the same reader: the browser writes them in
/// the UI language's format (`Intl`), the native defaults (the CLI, tests) as they are.
pub trait Messages {
    fn message(&self, key: &str, args: &[&str]) -> Option<String>;

    /// A whole number (a count, megabytes, pixels, seconds).
    fn number(&self, n: u64) -> String {
        n.to_string()
    }

    /// A day, given as `YYYY-MM-DD` (UTC).
    fn day(&self, iso_day: &str) -> String {
        iso_day.to_string()
    }
}

/// A message key that a language lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no message {0:?}")]
pub struct MissingMessage(pub String);

fn say(messages: &dyn Messages, key: &str, args: &[&str]) -> Result<String, MissingMessage> {
    messages
        .message(key, args)
        .ok_or_else(|| MissingMessage(key.to_string()))
}

/// The words of `reason` in the language of `messages`.
pub fn reason(messages: &dyn Messages, reason: &Reason) -> Result<String, MissingMessage> {
    let m = messages;
    match reason {
        Reason::UploadedBefore { date } => say(m, "reason_uploaded_before", &[&m.day(date)]),
        Reason::SameAsInDrop { first } => say(m, "reason_same_as_in_drop", &[first]),
        Reason::Cancelled => say(m, "reason_cancelled", &[]),
        Reason::CancelledInFlight => say(m, "reason_cancelled_in_flight", &[]),
        Reason::SystemFile => say(m, "reason_system_file", &[]),
        Reason::SidecarFile { extension } => {
            say(m, "reason_sidecar_file", &[&extension.to_ascii_uppercase()])
        }
        Reason::AlreadyThere => say(m, "reason_already_there", &[]),
        Reason::Conversion { error } => convert_error(m, error),
        Reason::WorkerCrashed => say(m, "worker_crashed", &[]),
        Reason::Unreadable => say(m, "reason_unreadable", &[]),
        Reason::TooBigToConvert {
            megabytes,
            limit_megabytes,
        } => say(
            m,
            "reason_too_big_to_convert",
            &[&m.number(*megabytes), &m.number(*limit_megabytes)],
        ),
        Reason::NoFileGiven => say(m, "reason_no_file_given", &[]),
        Reason::OriginalGone => say(m, "reason_original_gone", &[]),
        Reason::NoConverterFree => say(m, "reason_no_converter_free", &[]),
        Reason::OutputLost => say(m, "reason_output_lost", &[]),
        Reason::Refused { answer } => say(m, "page_rejected", &[&page_answer(m, answer)?]),
        Reason::UploadFailed { answer } => say(m, "upload_failed", &[&page_answer(m, answer)?]),
        Reason::NeverStarted => say(m, "page_never_started", &[]),
        Reason::TimedOut { seconds } => say(m, "reason_timed_out", &[&m.number(*seconds)]),
        Reason::GaveUp { last, tries } => {
            let tries = if *tries == 1 {
                say(m, "tries_one", &[])?
            } else {
                say(m, "tries_many", &[&m.number(u64::from(*tries))])?
            };
            say(m, "reason_after_tries", &[&self::reason(m, last)?, &tries])
        }
        Reason::WebImageUnavailable { address, status } => match status {
            0 => say(m, "reason_web_image_no_answer", &[address]),
            200..=299 => say(m, "reason_web_image_not_an_image", &[address]),
            status => say(
                m,
                "reason_web_image_status",
                &[address, &status.to_string()],
            ),
        },
        // Written by a version that stored sentences: it can only be shown as it was.
        Reason::Stored { text } => Ok(text.clone()),
    }
}

fn page_answer(messages: &dyn Messages, answer: &PageAnswer) -> Result<String, MissingMessage> {
    match answer {
        PageAnswer::ConnectionLost => say(messages, "upload_connection_lost", &[]),
        // An HTTP status is a code, not a quantity: written as it is.
        PageAnswer::Status { status } => say(messages, "icloud_answered", &[&status.to_string()]),
        PageAnswer::Said { message, status } => {
            say(messages, "icloud_said", &[message, &status.to_string()])
        }
    }
}

/// The words of a conversion error.
pub fn convert_error(
    messages: &dyn Messages,
    error: &ConvertError,
) -> Result<String, MissingMessage> {
    let m = messages;
    match error {
        ConvertError::Empty => say(m, "convert_empty", &[]),
        ConvertError::NotAPhoto { what } => say(
            m,
            "convert_not_a_photo",
            &[&say(m, non_photo_key(*what), &[])?],
        ),
        ConvertError::Unsupported { format } => say(m, "convert_unsupported", &[format]),
        ConvertError::UnsupportedVariant { format, detail } => {
            say(m, "convert_unsupported_variant", &[format, detail])
        }
        ConvertError::Damaged { format, detail } => say(m, "convert_damaged", &[format, detail]),
        ConvertError::TooLarge {
            width,
            height,
            limit_megapixels,
        } => say(
            m,
            "convert_too_large",
            &[
                &m.number(*width),
                &m.number(*height),
                &m.number(*limit_megapixels),
            ],
        ),
        ConvertError::TooMuchMemory { limit_megapixels } => say(
            m,
            "convert_too_much_memory",
            &[&m.number(*limit_megapixels)],
        ),
        ConvertError::TooLargeForJpeg { width, height } => say(
            m,
            "convert_too_large_for_jpeg",
            &[&m.number(u64::from(*width)), &m.number(u64::from(*height))],
        ),
        ConvertError::Encode { detail } => say(m, "convert_encode", &[detail]),
    }
}

/// The decoder's own account of an error (English, technical): not part of the sentence a user
/// reads in the panel, but kept for the CLI and logs, where it helps a bug report.
pub fn technical_detail(error: &ConvertError) -> Option<&str> {
    match error {
        ConvertError::UnsupportedVariant { detail, .. }
        | ConvertError::Damaged { detail, .. }
        | ConvertError::Encode { detail } => Some(detail),
        _ => None,
    }
}

/// The message that names what a non-photo file is.
pub fn non_photo_key(what: NonPhoto) -> &'static str {
    match what {
        NonPhoto::Pdf => "file_kind_pdf",
        NonPhoto::Zip => "file_kind_zip",
        NonPhoto::Gzip => "file_kind_gzip",
        NonPhoto::Rar => "file_kind_rar",
        NonPhoto::SevenZip => "file_kind_7z",
        NonPhoto::Photoshop => "file_kind_photoshop",
        NonPhoto::Mp3 => "file_kind_mp3",
        NonPhoto::Ogg => "file_kind_ogg",
        NonPhoto::Flac => "file_kind_flac",
        NonPhoto::Matroska => "file_kind_matroska",
        NonPhoto::JpegXl => "file_kind_jpeg_xl",
        NonPhoto::WindowsIcon => "file_kind_windows_icon",
        NonPhoto::Program => "file_kind_program",
        NonPhoto::WindowsProgram => "file_kind_windows_program",
        NonPhoto::Wav => "file_kind_wav",
        NonPhoto::Avi => "file_kind_avi",
        NonPhoto::UnknownRiff => "file_kind_unknown_riff",
        NonPhoto::UnknownMp4 => "file_kind_unknown_mp4",
        NonPhoto::Svg => "file_kind_svg",
        NonPhoto::WebPage => "file_kind_web_page",
        NonPhoto::Xml => "file_kind_xml",
        NonPhoto::Text => "file_kind_text",
        NonPhoto::Unknown => "file_kind_unknown",
    }
}

/// One language's `messages.json`, read with the browser's rules: `$NAME$` in a message is its
/// placeholder's `content`, in which `$1`…`$9` are the substitutions; `$$` is a dollar sign.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    messages: HashMap<String, CatalogEntry>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct CatalogEntry {
    message: String,
    #[serde(default)]
    placeholders: HashMap<String, Placeholder>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Placeholder {
    content: String,
}

impl Catalog {
    pub fn from_json(json: &str) -> Result<Catalog, serde_json::Error> {
        let messages: HashMap<String, CatalogEntry> = serde_json::from_str(json)?;
        // Keys are case-insensitive in the browser.
        let messages = messages
            .into_iter()
            .map(|(key, mut entry)| {
                entry.placeholders = entry
                    .placeholders
                    .into_iter()
                    .map(|(name, p)| (name.to_ascii_lowercase(), p))
                    .collect();
                (key.to_ascii_lowercase(), entry)
            })
            .collect();
        Ok(Catalog { messages })
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }
}

fn substitute(content: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('$', Some(d)) if d.is_ascii_digit() && d != '0' => {
                chars.next();
                let n = d as usize - '1' as usize;
                out.push_str(args.get(n).copied().unwrap_or(""));
            }
            ('$', Some('$')) => {
                chars.next();
                out.push('$');
            }
            _ => out.push(c),
        }
    }
    out
}

impl Messages for Catalog {
    fn message(&self, key: &str, args: &[&str]) -> Option<String> {
        let entry = self.messages.get(&key.to_ascii_lowercase())?;
        let mut out = String::new();
        let mut rest = entry.message.as_str();
        while let Some(start) = rest.find('$') {
            out.push_str(&substitute(&rest[..start], args));
            let after = &rest[start + 1..];
            let name_end = after.find('$');
            let placeholder = name_end.and_then(|end| {
                let name = &after[..end];
                let is_name = !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !name.chars().all(|c| c.is_ascii_digit());
                is_name
                    .then(|| entry.placeholders.get(&name.to_ascii_lowercase()))
                    .flatten()
                    .map(|p| (end, p))
            });
            match placeholder {
                Some((end, p)) => {
                    out.push_str(&substitute(&p.content, args));
                    rest = &after[end + 1..];
                }
                None => {
                    // `$1` or `$$` outside a placeholder: substituted as in a placeholder.
                    let len = after.chars().next().map_or(0, char::len_utf8);
                    out.push_str(&substitute(&rest[start..start + 1 + len], args));
                    rest = &after[len..];
                }
            }
        }
        out.push_str(&substitute(rest, args));
        Some(out)
    }
}

/// The English messages, built into the program: the CLI's words and `Display` of the core's
/// errors (logs, tests).
pub fn english() -> &'static Catalog {
    static ENGLISH: OnceLock<Catalog> = OnceLock::new();
    ENGLISH.get_or_init(|| {
        Catalog::from_json(include_str!("../extension/_locales/en/messages.json"))
            .expect("extension/_locales/en/messages.json is valid JSON")
    })
}

/// `reason` in English; a missing message shows its code rather than nothing.
pub fn english_reason(reason: &Reason) -> String {
    self::reason(english(), reason).unwrap_or_else(|missing| missing.0)
}

/// The English sentence with the decoder's detail (logs, the CLI, tests).
impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match convert_error(english(), self) {
            Ok(words) => f.write_str(&words)?,
            Err(missing) => write!(f, "conversion error {} ({missing})", self.code())?,
        }
        match technical_detail(self) {
            Some(detail) => write!(f, " [{detail}]"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_browsers_rules() {
        let catalog = Catalog::from_json(
            r#"{"a": {"message": "$X$ of $Y$ · $$5 $1", "placeholders": {"x": {"content": "$2"}, "Y": {"content": "$1"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            catalog.message("A", &["one", "two"]).as_deref(),
            Some("two of one · $5 one")
        );
        assert_eq!(catalog.message("b", &[]), None);
    }
}
