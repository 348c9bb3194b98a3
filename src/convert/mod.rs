//! Photo conversion, pure: bytes in, JPEG bytes out. No I/O, no browser APIs, no clock (the
//! file's modification time is passed in), so the same code runs in a wasm worker, in the CLI
//! and in tests.
//!
//! One file per job: `sniff` (what is this file), `limits` (refuse pixel bombs before
//! allocating), `decode` (RGB), `orientation` (which way up, the one rule for every format),
//! `metadata` and `exif` (what travels to the JPEG), `gain_map` and `mpf` (an HDR photo's gain
//! map), `jpeg` (encode), `thumbnail` (the panel's row picture), `error` (what the user is told).

mod decode;
mod error;
mod exif;
mod gain_map;
mod jpeg;
mod limits;
mod metadata;
mod mpf;
mod orientation;
mod sniff;
mod thumbnail;

use serde::Serialize;

#[cfg(feature = "codecs")]
pub use decode::decode_rare;
pub use decode::RareImage;
pub use error::{photo_format_of_name, ConvertError, NonPhoto};
pub use sniff::{sniff_format, Format, VideoKind};
pub use thumbnail::THUMBNAIL_EDGE;

/// How to convert.
#[derive(Debug, Clone, Serialize)]
pub struct ConvertOptions {
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Images with more pixels than this are refused before decoding.
    pub max_pixels: u64,
    /// Write a capture date from `last_modified_ms` when the photo has none.
    pub date_rescue: bool,
    /// The file's modification time, in ms since the Unix epoch (UTC).
    pub last_modified_ms: Option<i64>,
    /// Keep an HDR photo's gain map (iPhone HEIC) as an ISO 21496-1 gain map in the JPEG, so
    /// HDR screens show its highlights; off writes the SDR picture alone (the same pixels).
    pub hdr_gain_map: bool,
    /// Where the photo came from (the web page it was on, for an image uploaded from a page):
    /// written to the JPEG's XMP as `dc:source`.
    pub source_url: Option<String>,
    /// Make the panel's row thumbnail (`Jpeg::thumbnail`) from the decoded pixels.
    pub row_thumbnail: bool,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        Self {
            quality: 92,
            max_pixels: 250_000_000,
            date_rescue: true,
            last_modified_ms: None,
            hdr_gain_map: true,
            source_url: None,
            row_thumbnail: false,
        }
    }
}

/// What to upload for one input file.
#[derive(Debug, Clone, Serialize)]
pub enum Conversion {
    /// Already what iCloud takes (a real JPEG, or a video): upload the original bytes unchanged.
    Unchanged {
        format: Format,
    },
    Converted(Jpeg),
}

/// A converted photo.
#[derive(Debug, Clone, Serialize)]
pub struct Jpeg {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The format the photo was converted from.
    pub source: Format,
    pub kept: KeptMetadata,
    /// A `THUMBNAIL_EDGE`-square JPEG of the photo's centre, with its colour profile, for the
    /// panel's row (`ConvertOptions::row_thumbnail`): made from the pixels already decoded, so
    /// nothing decodes the JPEG again.
    #[serde(skip)]
    pub thumbnail: Option<Vec<u8>>,
}

/// Which of the source's metadata made it into the JPEG.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KeptMetadata {
    pub exif: bool,
    pub icc: bool,
    pub xmp: bool,
    /// A capture date was written from the file's modification time.
    pub date_rescued: bool,
    /// The photo's HDR gain map travels as an ISO 21496-1 gain map (a second, indexed JPEG).
    pub hdr_gain_map: bool,
}

/// Converts one file to JPEG, or says to upload it as it is.
pub fn convert(input: &[u8], options: &ConvertOptions) -> Result<Conversion, ConvertError> {
    convert_with(input, options, built_in_rare)
}

/// The rare formats' decoder of this build: [`decode_rare`] with the feature `codecs`; without
/// it (the conversion worker's module) they are not decoded here.
fn built_in_rare(format: Format, bytes: &[u8], max_pixels: u64) -> Result<RareImage, ConvertError> {
    #[cfg(feature = "codecs")]
    return decode_rare(format, bytes, max_pixels);
    #[cfg(not(feature = "codecs"))]
    {
        let _ = (bytes, max_pixels);
        Err(ConvertError::Unsupported {
            format: format.name().into(),
        })
    }
}

/// [`convert`], with TIFF, WebP, GIF and BMP ([`Format::is_rare`]) decoded by `decode_rare`
/// (in the browser: the codecs module, `src/web/codecs.rs`).
pub fn convert_with(
    input: &[u8],
    options: &ConvertOptions,
    decode_rare: impl FnOnce(Format, &[u8], u64) -> Result<RareImage, ConvertError>,
) -> Result<Conversion, ConvertError> {
    if input.is_empty() {
        return Err(ConvertError::Empty);
    }
    let format = sniff_format(input);
    match format {
        Format::Jpeg | Format::Video(_) => return Ok(Conversion::Unchanged { format }),
        Format::Avif => {
            return Err(ConvertError::Unsupported {
                format: "AVIF".into(),
            })
        }
        Format::Unknown => {
            return Err(ConvertError::NotAPhoto {
                what: sniff::describe_non_photo(input),
            })
        }
        _ => {}
    }
    if let Some((width, height)) = limits::declared_dimensions(format, input) {
        limits::check_pixel_budget(width, height, options.max_pixels)?;
    }
    let decoded = decode::decode(
        format,
        input,
        options.max_pixels,
        options.hdr_gain_map,
        true,
        decode_rare,
    )?;
    let rescue_date_ms = options.last_modified_ms.filter(|_| options.date_rescue);
    let mut metadata = metadata::carry_metadata(
        decoded.metadata,
        rescue_date_ms,
        options.source_url.as_deref(),
        decoded.width,
        decoded.height,
    );
    let gain_map = match &decoded.gain_map {
        Some(map) => Some(jpeg::encode_gain_map(map, options.quality)?),
        None => None,
    };
    if let Some(gain_map) = &gain_map {
        // The Ultra HDR directory joins the photo's own XMP; if that no longer fits one segment,
        // the photo's XMP stays as it was (readers then go by the ISO 21496-1 segments alone).
        let xmp = gain_map::primary_xmp(metadata.xmp.as_deref(), gain_map.len());
        if xmp.len() <= metadata::MAX_XMP_BYTES {
            metadata.xmp = Some(xmp);
        }
    }
    let primary = jpeg::encode_jpeg(
        &decoded.pixels,
        decoded.width,
        decoded.height,
        options.quality,
        &metadata,
    )?;
    let bytes = match &gain_map {
        Some(gain_map) => mpf::join(&primary, gain_map).ok_or_else(|| ConvertError::Encode {
            detail: "could not index the HDR gain map".into(),
        })?,
        None => primary,
    };
    metadata.kept.hdr_gain_map = gain_map.is_some();
    // Only for the panel's rows: the CLI has none.
    let thumbnail = if options.row_thumbnail {
        thumbnail::row_thumbnail(&decoded.pixels, decoded.width, decoded.height, metadata.icc)
    } else {
        None
    };
    Ok(Conversion::Converted(Jpeg {
        bytes,
        width: decoded.width,
        height: decoded.height,
        source: format,
        kept: metadata.kept,
        thumbnail,
    }))
}

/// The upright 8-bit RGB pixels (flattened on white) that [`convert`] would encode, as
/// `(width, height, pixels)`: for tests and benchmarks that compare decoders. Always through
/// RGB, where [`convert`] may transcode a HEIC's YCbCr planes without it.
#[doc(hidden)]
pub fn decode_rgb8(
    input: &[u8],
    options: &ConvertOptions,
) -> Result<(u32, u32, Vec<u8>), ConvertError> {
    let format = sniff_format(input);
    if let Some((width, height)) = limits::declared_dimensions(format, input) {
        limits::check_pixel_budget(width, height, options.max_pixels)?;
    }
    let decoded = decode::decode(
        format,
        input,
        options.max_pixels,
        false,
        false,
        built_in_rare,
    )?;
    match decoded.pixels {
        decode::Pixels::Rgb(rgb) => Ok((decoded.width, decoded.height, rgb)),
        decode::Pixels::YCbCr420(_) => unreachable!("decoded without transcoding"),
    }
}

/// The name to give the converted file: the original's with its last extension replaced by
/// `.jpg` ("IMG_0001.HEIC" → "IMG_0001.jpg", "a.b.png" → "a.b.jpg", "noext" → "noext.jpg").
pub fn jpeg_file_name(original: &str) -> String {
    let stem = match original.rfind('.') {
        // A leading dot (".hidden") is a name, not an extension.
        Some(dot) if dot > 0 => &original[..dot],
        _ => original,
    };
    format!("{stem}.jpg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_file_name_replaces_only_the_last_extension() {
        assert_eq!(jpeg_file_name("IMG_0001.HEIC"), "IMG_0001.jpg");
        assert_eq!(jpeg_file_name("a.b.png"), "a.b.jpg");
        assert_eq!(jpeg_file_name("noext"), "noext.jpg");
        assert_eq!(jpeg_file_name(".hidden"), ".hidden.jpg");
    }

    #[test]
    fn empty_input_is_an_error() {
        let err = convert(&[], &ConvertOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "This file is empty. Copy it again from where it came from."
        );
    }

    #[test]
    fn names_what_a_non_photo_is() {
        let err = convert(b"%PDF-1.7\n", &ConvertOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a photo photolift can convert: a PDF document"
        );
        let err = convert(b"hello world\n", &ConvertOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a photo photolift can convert: a text file"
        );
    }

    #[test]
    fn only_known_non_photos_are_not_media() {
        let options = ConvertOptions::default();
        for not_media in [
            &b"%PDF-1.7\n"[..],
            b"hello world\n",
            b"PK\x03\x04\x14\0\0\0",
        ] {
            let err = convert(not_media, &options).unwrap_err();
            assert!(err.is_not_media(), "{err}");
        }
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        let damaged_png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";
        // A HEIC whose first box is destroyed: unknown bytes, maybe a damaged photo.
        let unknown = b"\0\0\0\x01    \x80\0\0\0\0\0\0\0";
        let jxl = b"\xff\x0a\xfa\x00";
        for photo_error in [&[][..], avif, damaged_png, unknown, jxl] {
            let err = convert(photo_error, &options).unwrap_err();
            assert!(!err.is_not_media(), "{err}");
        }
    }

    #[test]
    fn avif_is_refused_plainly() {
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        let err = convert(avif, &ConvertOptions::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("AVIF is not supported yet. "),
            "{err}"
        );
    }

    #[test]
    fn videos_and_jpegs_pass_through() {
        let mov = b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ";
        assert!(matches!(
            convert(mov, &ConvertOptions::default()),
            Ok(Conversion::Unchanged {
                format: Format::Video(VideoKind::Mov)
            })
        ));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert!(matches!(
            convert(&jpeg, &ConvertOptions::default()),
            Ok(Conversion::Unchanged {
                format: Format::Jpeg
            })
        ));
    }
}
