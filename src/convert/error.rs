//! The ways a conversion can fail, as values with a stable kind. Their words (a plain sentence a
//! user can act on) are messages of `extension/_locales`, looked up by `crate::words`.

use serde::{Deserialize, Serialize};

/// Why a file could not be converted. `Display` (in `crate::words`) is the English sentence (logs,
/// the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConvertError {
    Empty,
    /// Not an image format at all (or one we cannot name): `what` says what it looks like.
    NotAPhoto {
        what: NonPhoto,
    },
    /// A photo format we recognise but cannot decode yet (AVIF today).
    Unsupported {
        format: String,
    },
    /// A variant of a supported format that the decoder cannot read (e.g. a 2-bit palette TIFF).
    UnsupportedVariant {
        format: String,
        detail: String,
    },
    /// The file claims a format but its bytes do not decode.
    Damaged {
        format: String,
        detail: String,
    },
    /// Refused before decoding so that a "pixel bomb" cannot exhaust memory.
    TooLarge {
        width: u64,
        height: u64,
        limit_megapixels: u64,
    },
    /// The decoder would need more memory than the pixel budget allows (e.g. many layers).
    TooMuchMemory {
        limit_megapixels: u64,
    },
    /// JPEG stores each side in 16 bits, so wider images cannot be written at all.
    TooLargeForJpeg {
        width: u32,
        height: u32,
    },
    /// The encoder refused the pixels; a bug rather than a bad file.
    Encode {
        detail: String,
    },
}

impl Default for ConvertError {
    /// For the protocol catalog, which lists message variants with default fields.
    fn default() -> ConvertError {
        ConvertError::Empty
    }
}

/// What a file that is not a photo format looks like, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum NonPhoto {
    Pdf,
    /// A ZIP archive (or an Office document).
    Zip,
    Gzip,
    Rar,
    SevenZip,
    Photoshop,
    Mp3,
    /// Ogg audio or video.
    Ogg,
    Flac,
    /// Matroska or WebM video.
    Matroska,
    /// A photo format photolift cannot read yet.
    JpegXl,
    WindowsIcon,
    Program,
    WindowsProgram,
    Wav,
    Avi,
    /// A RIFF container of a type we do not know.
    UnknownRiff,
    /// An MP4-family container of a brand we do not know.
    UnknownMp4,
    Svg,
    WebPage,
    Xml,
    Text,
    /// Nothing we recognise.
    Unknown,
}

impl NonPhoto {
    /// True when the file is positively something other than a photo (a PDF, a text file, an
    /// archive, audio, a program). Bytes of unknown type are not: a `.heic` whose header is
    /// destroyed is a damaged photo, not a non-photo (6 files of `corpus/malformed` are like
    /// that); nor is a photo format photolift cannot read yet (JPEG XL).
    pub fn is_not_media(self) -> bool {
        !matches!(
            self,
            NonPhoto::JpegXl | NonPhoto::UnknownRiff | NonPhoto::UnknownMp4 | NonPhoto::Unknown
        )
    }
}

impl ConvertError {
    /// True when the file is positively something other than a photo: the panel marks such
    /// files `skipped` rather than `failed`, since nothing went wrong. Photo formats photolift
    /// cannot read yet (JPEG XL, AVIF), damaged photos and limits stay failures.
    pub fn is_not_media(&self) -> bool {
        matches!(self, ConvertError::NotAPhoto { what } if what.is_not_media())
    }

    /// The error as the user should read it, knowing the file's name: bytes of unknown type (no
    /// signature at all, or a RIFF/MP4 container of no known kind) in a file named as a photo
    /// (`IMG_0001.HEIC`, `shot.png`) are a damaged photo of that format, not "not a photo": its
    /// header was destroyed or never written. Anything else is kept as it is.
    pub fn knowing_name(self, file_name: &str) -> ConvertError {
        match self {
            ConvertError::NotAPhoto { what }
                if !what.is_not_media() && what != NonPhoto::JpegXl =>
            {
                match photo_format_of_name(file_name) {
                    Some(format) => ConvertError::Damaged {
                        format: format.into(),
                        detail: format!("no {format} header ({})", what_detail(what)),
                    },
                    None => ConvertError::NotAPhoto { what },
                }
            }
            other => other,
        }
    }

    /// The stable code of the kind of error (its serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            ConvertError::Empty => "empty",
            ConvertError::NotAPhoto { .. } => "not_a_photo",
            ConvertError::Unsupported { .. } => "unsupported",
            ConvertError::UnsupportedVariant { .. } => "unsupported_variant",
            ConvertError::Damaged { .. } => "damaged",
            ConvertError::TooLarge { .. } => "too_large",
            ConvertError::TooMuchMemory { .. } => "too_much_memory",
            ConvertError::TooLargeForJpeg { .. } => "too_large_for_jpeg",
            ConvertError::Encode { .. } => "encode",
        }
    }

    /// One error of every kind (every non-photo among them), for the tests that render each.
    pub fn examples() -> Vec<ConvertError> {
        use strum::IntoEnumIterator;
        let mut all: Vec<ConvertError> = NonPhoto::iter()
            .map(|what| ConvertError::NotAPhoto { what })
            .collect();
        all.extend([
            ConvertError::Empty,
            ConvertError::Unsupported {
                format: "AVIF".into(),
            },
            ConvertError::UnsupportedVariant {
                format: "TIFF".into(),
                detail: "2-bit palette".into(),
            },
            ConvertError::Damaged {
                format: "HEIC".into(),
                detail: "missing tile".into(),
            },
            ConvertError::TooLarge {
                width: 30_000,
                height: 20_000,
                limit_megapixels: 250,
            },
            ConvertError::TooMuchMemory {
                limit_megapixels: 250,
            },
            ConvertError::TooLargeForJpeg {
                width: 70_000,
                height: 10,
            },
            ConvertError::Encode {
                detail: "bad buffer".into(),
            },
        ]);
        all
    }
}

/// The photo format a file's name claims, by its extension (case-insensitive).
pub fn photo_format_of_name(file_name: &str) -> Option<&'static str> {
    let (_, extension) = file_name.rsplit_once('.')?;
    Some(match extension.to_ascii_lowercase().as_str() {
        "heic" | "heif" | "hif" => "HEIC",
        "jpg" | "jpeg" | "jpe" | "jfif" => "JPEG",
        "png" => "PNG",
        "webp" => "WebP",
        "gif" => "GIF",
        "bmp" | "dib" => "BMP",
        "tif" | "tiff" => "TIFF",
        "avif" => "AVIF",
        _ => return None,
    })
}

fn what_detail(what: NonPhoto) -> &'static str {
    match what {
        NonPhoto::UnknownRiff => "a RIFF file of unknown type",
        NonPhoto::UnknownMp4 => "an MP4-family file of unknown type",
        _ => "unknown bytes",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_bytes_named_as_a_photo_are_a_damaged_photo() {
        let unknown = ConvertError::NotAPhoto {
            what: NonPhoto::Unknown,
        };
        assert!(matches!(
            unknown.clone().knowing_name("IMG_0001.HEIC"),
            ConvertError::Damaged { format, .. } if format == "HEIC"
        ));
        assert!(matches!(
            unknown.clone().knowing_name("shot.Png"),
            ConvertError::Damaged { format, .. } if format == "PNG"
        ));
        assert_eq!(unknown.clone().knowing_name("notes"), unknown);
        assert_eq!(unknown.clone().knowing_name("notes.bin"), unknown);
        // A PDF named .jpg is positively not a photo: it stays that, and is skipped.
        let pdf = ConvertError::NotAPhoto {
            what: NonPhoto::Pdf,
        };
        assert_eq!(pdf.clone().knowing_name("scan.jpg"), pdf);
        let empty = ConvertError::Empty;
        assert_eq!(empty.clone().knowing_name("IMG_0001.HEIC"), empty);
    }
}
