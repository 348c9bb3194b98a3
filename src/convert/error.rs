//! The ways a conversion can fail, each worded as a plain sentence a user can act on.

use serde::Serialize;

/// Why a file could not be converted. `Display` is the sentence shown to the user.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConvertError {
    #[error("the file is empty")]
    Empty,
    /// Not an image format at all (or one we cannot name): `what` says what it looks like.
    #[error("not a photo photolift can convert: {what}")]
    NotAPhoto { what: &'static str },
    /// A photo format we recognise but cannot decode yet (AVIF today).
    #[error("{format} is not supported yet")]
    Unsupported { format: &'static str },
    /// A variant of a supported format that the decoder cannot read (e.g. a 2-bit palette TIFF).
    #[error("this kind of {format} file is not supported yet ({detail})")]
    UnsupportedVariant {
        format: &'static str,
        detail: String,
    },
    /// The file claims a format but its bytes do not decode.
    #[error("the {format} file is damaged ({detail})")]
    Damaged {
        format: &'static str,
        detail: String,
    },
    /// Refused before decoding so that a "pixel bomb" cannot exhaust memory.
    #[error(
        "the image is too large: {width} × {height} pixels (limit {limit_megapixels} megapixels)"
    )]
    TooLarge {
        width: u64,
        height: u64,
        limit_megapixels: u64,
    },
    /// The decoder would need more memory than the pixel budget allows (e.g. many layers).
    #[error(
        "the image needs more memory than photolift allows (limit {limit_megapixels} megapixels)"
    )]
    TooMuchMemory { limit_megapixels: u64 },
    /// JPEG stores each side in 16 bits, so wider images cannot be written at all.
    #[error("the image is too large for JPEG: {width} × {height} pixels (JPEG allows at most 65535 pixels a side)")]
    TooLargeForJpeg { width: u32, height: u32 },
    /// The encoder refused the pixels; a bug rather than a bad file.
    #[error("could not write the JPEG ({detail})")]
    Encode { detail: String },
}

impl ConvertError {
    /// True when the file is positively something other than a photo (a PDF, a text file, an
    /// archive, audio, a program): the panel marks such files `skipped` rather than `failed`,
    /// since nothing went wrong. Bytes of unknown type stay failures — a `.heic` whose header is
    /// destroyed is a damaged photo, not a non-photo (6 files of `corpus/malformed` are like
    /// that) — and so do photo formats photolift cannot read yet (JPEG XL, AVIF), damaged photos
    /// and limits.
    pub fn is_not_media(&self) -> bool {
        match self {
            ConvertError::NotAPhoto { what } => {
                !what.contains("unknown type") && !what.contains("not supported yet")
            }
            _ => false,
        }
    }
}
