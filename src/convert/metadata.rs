//! The metadata carried from the source into the JPEG: EXIF (see `exif.rs`), XMP and ICC.
//!
//! Colour: the pixels stay in the source's colour space and its ICC profile goes into APP2.
//! Chromium, Safari and Apple Photos colour-manage JPEGs with an ICC profile, so a Display P3
//! iPhone photo keeps its wider gamut instead of being clipped to sRGB; converting to sRGB
//! would lose colours for no gain. Images without an ICC profile are written as sRGB (HEIC
//! `nclx` colour information is converted to sRGB by heifer in that case, see `decode.rs`).

use super::exif::{prepare_exif, ExifRequest};
use super::KeptMetadata;

/// Metadata read from the source file, before any change.
#[derive(Debug, Default)]
pub(crate) struct SourceMetadata {
    pub exif: Option<Vec<u8>>,
    /// True when `exif` is the whole TIFF file (TIFF sources keep their tags in the image IFD).
    pub exif_is_tiff_file: bool,
    pub xmp: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
}

/// Metadata ready for the encoder.
#[derive(Debug, Default)]
pub(crate) struct OutputMetadata {
    /// TIFF block for APP1 "Exif\0\0".
    pub exif: Option<Vec<u8>>,
    /// XMP packet for APP1 with the XMP namespace header.
    pub xmp: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
    pub kept: KeptMetadata,
}

/// Room for the XMP packet in one APP1 segment: 65,533 bytes less the 29-byte namespace header.
/// Larger packets need "extended XMP", which few readers support; they are left out.
pub(crate) const MAX_XMP_BYTES: usize = 65_533 - XMP_HEADER.len();
pub(crate) const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// Decides what goes into the JPEG.
pub(crate) fn carry_metadata(
    source: SourceMetadata,
    rescue_date_ms: Option<i64>,
    width: u32,
    height: u32,
) -> OutputMetadata {
    let exif = prepare_exif(&ExifRequest {
        source: source.exif.as_deref(),
        source_is_tiff_file: source.exif_is_tiff_file,
        rescue_date_ms,
        width,
        height,
    });
    let xmp = source
        .xmp
        .map(|xmp| xmp_orientation_upright(&xmp))
        .filter(|xmp| !xmp.is_empty() && xmp.len() <= MAX_XMP_BYTES);
    // An ICC profile over 254 APP2 chunks cannot be written; it would only be a broken file.
    let icc = source
        .icc
        .filter(|icc| !icc.is_empty() && icc.len() <= 254 * 65_519);
    OutputMetadata {
        kept: KeptMetadata {
            exif: exif.tiff.is_some(),
            icc: icc.is_some(),
            xmp: xmp.is_some(),
            date_rescued: exif.date_rescued,
            // Set by `convert` once the gain map is written.
            hdr_gain_map: false,
        },
        exif: exif.tiff,
        xmp,
        icc,
    }
}

/// XMP can repeat the orientation (`tiff:Orientation`); some viewers read it, so it must say
/// "upright" too. Both the attribute and the element forms are rewritten.
fn xmp_orientation_upright(xmp: &[u8]) -> Vec<u8> {
    let mut out = xmp.to_vec();
    for pattern in [&b"tiff:Orientation=\""[..], &b"tiff:Orientation>"[..]] {
        let mut from = 0;
        while let Some(found) = find(&out[from..], pattern) {
            let digit = from + found + pattern.len();
            if let Some(b) = out.get_mut(digit) {
                if (b'1'..=b'8').contains(b) {
                    *b = b'1';
                }
            }
            from = digit;
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_orientation_is_reset_in_both_forms() {
        let xmp = br#"<x tiff:Orientation="6"/><tiff:Orientation>8</tiff:Orientation>"#;
        assert_eq!(
            xmp_orientation_upright(xmp),
            br#"<x tiff:Orientation="1"/><tiff:Orientation>1</tiff:Orientation>"#.to_vec()
        );
    }
}
