//! Recognise a file by its magic bytes, never by its name: names lie (a `.jpg` that is a HEIC is
//! common when phones share photos).

use serde::Serialize;

use super::error::NonPhoto;

/// The container format of an input file, as found in its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    Jpeg,
    Heic,
    Png,
    WebP,
    Gif,
    Bmp,
    Tiff,
    Avif,
    Video(VideoKind),
    Unknown,
}

/// Videos iCloud takes as they are: passed through, never converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VideoKind {
    Mov,
    Mp4,
    M4v,
}

impl Format {
    /// TIFF, WebP, GIF and BMP: formats whose decoders the browser keeps in a module of their own,
    /// loaded when the first such file arrives (`convert::convert_with`).
    pub fn is_rare(&self) -> bool {
        matches!(
            self,
            Format::Tiff | Format::WebP | Format::Gif | Format::Bmp
        )
    }

    /// The MIME type of a file in this format (for building a `File` in the browser).
    pub fn media_type(&self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Heic => "image/heic",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
            Format::Bmp => "image/bmp",
            Format::Tiff => "image/tiff",
            Format::Avif => "image/avif",
            Format::Video(VideoKind::Mov) => "video/quicktime",
            Format::Video(VideoKind::Mp4) => "video/mp4",
            Format::Video(VideoKind::M4v) => "video/x-m4v",
            Format::Unknown => "application/octet-stream",
        }
    }

    /// The name a user knows the format by.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Heic => "HEIC",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
            Format::Bmp => "BMP",
            Format::Tiff => "TIFF",
            Format::Avif => "AVIF",
            Format::Video(VideoKind::Mov) => "MOV",
            Format::Video(VideoKind::Mp4) => "MP4",
            Format::Video(VideoKind::M4v) => "M4V",
            Format::Unknown => "unknown",
        }
    }
}

/// Identifies the format from the leading bytes only.
pub fn sniff_format(bytes: &[u8]) -> Format {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Format::Gif
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Format::WebP
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Format::Tiff
    } else if is_bmp(bytes) {
        Format::Bmp
    } else if bytes.get(4..8) == Some(b"ftyp") {
        sniff_isobmff(bytes)
    } else {
        Format::Unknown
    }
}

/// "BM" alone is too weak (plenty of text starts with it): also require a known DIB header size.
fn is_bmp(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(14..18) else {
        return false;
    };
    let dib_size = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    bytes.starts_with(b"BM") && matches!(dib_size, 12 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// ISO base media files (HEIF, AVIF, MP4, MOV) share the `ftyp` box: its major brand, and when
/// that is generic, its compatible brands, tell them apart.
fn sniff_isobmff(bytes: &[u8]) -> Format {
    let Some(size) = bytes.get(0..4) else {
        return Format::Unknown;
    };
    let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
    let end = size.clamp(8, 4096).min(bytes.len());
    let Some(major) = bytes.get(8..12) else {
        return Format::Unknown;
    };
    let compatible: Vec<&[u8]> = bytes
        .get(16..end)
        .unwrap_or_default()
        .chunks_exact(4)
        .collect();
    let has = |brand: &[u8]| major == brand || compatible.contains(&brand);
    match major {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" => return Format::Heic,
        b"avif" | b"avis" => return Format::Avif,
        b"qt  " => return Format::Video(VideoKind::Mov),
        b"M4V " | b"M4VH" | b"M4VP" => return Format::Video(VideoKind::M4v),
        _ => {}
    }
    if has(b"heic") || has(b"heix") || has(b"hevc") || has(b"hevx") {
        Format::Heic
    } else if has(b"avif") || has(b"avis") {
        Format::Avif
    } else if has(b"mif1") || has(b"msf1") || has(b"mif2") {
        // A generic HEIF brand with no codec brand: heifer decides whether it can decode it.
        Format::Heic
    } else if matches!(
        major,
        b"isom"
            | b"iso2"
            | b"iso4"
            | b"iso5"
            | b"iso6"
            | b"mp41"
            | b"mp42"
            | b"avc1"
            | b"dash"
            | b"MSNV"
            | b"mp71"
            | b"3gp4"
            | b"3gp5"
            | b"3gp6"
    ) {
        Format::Video(VideoKind::Mp4)
    } else {
        Format::Unknown
    }
}

/// What a file that is not a photo format looks like, for the error message.
pub(crate) fn describe_non_photo(bytes: &[u8]) -> NonPhoto {
    const SIGNATURES: &[(&[u8], NonPhoto)] = &[
        (b"%PDF", NonPhoto::Pdf),
        (b"PK\x03\x04", NonPhoto::Zip),
        (b"\x1f\x8b", NonPhoto::Gzip),
        (b"Rar!", NonPhoto::Rar),
        (b"7z\xbc\xaf\x27\x1c", NonPhoto::SevenZip),
        (b"8BPS", NonPhoto::Photoshop),
        (b"ID3", NonPhoto::Mp3),
        (b"OggS", NonPhoto::Ogg),
        (b"fLaC", NonPhoto::Flac),
        (b"\x1a\x45\xdf\xa3", NonPhoto::Matroska),
        (b"\xff\x0a", NonPhoto::JpegXl),
        (b"\0\0\0\x0cJXL ", NonPhoto::JpegXl),
        (b"\0\0\x01\0", NonPhoto::WindowsIcon),
        (b"\x7fELF", NonPhoto::Program),
        (b"MZ", NonPhoto::WindowsProgram),
    ];
    if let Some((_, what)) = SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return *what;
    }
    if bytes.starts_with(b"RIFF") {
        return match bytes.get(8..12) {
            Some(b"WAVE") => NonPhoto::Wav,
            Some(b"AVI ") => NonPhoto::Avi,
            _ => NonPhoto::UnknownRiff,
        };
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return NonPhoto::UnknownMp4;
    }
    describe_text(bytes).unwrap_or(NonPhoto::Unknown)
}

fn describe_text(bytes: &[u8]) -> Option<NonPhoto> {
    let head = &bytes[..bytes.len().min(1024)];
    // A multi-byte character may be cut at the end of the sample: judge only what decodes.
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return None;
    }
    let start = text.trim_start().to_ascii_lowercase();
    Some(
        if start.starts_with("<svg") || (start.starts_with("<?xml") && start.contains("<svg")) {
            NonPhoto::Svg
        } else if start.starts_with("<!doctype html") || start.starts_with("<html") {
            NonPhoto::WebPage
        } else if start.starts_with("<?xml") {
            NonPhoto::Xml
        } else {
            NonPhoto::Text
        },
    )
}
