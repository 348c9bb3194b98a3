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
    source_url: Option<&str>,
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
    let xmp = match source_url {
        Some(url) => with_source(xmp, url),
        None => xmp,
    };
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

const XMP_SOURCE_OPEN: &str = "<rdf:Description rdf:about=\"\" \
    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:source>";
const XMP_SOURCE_CLOSE: &str = "</dc:source></rdf:Description>";

/// The XMP with `dc:source` = `url` (the page a web image was on): a packet of its own when the
/// photo has none, else a description added to its RDF. A packet that already names a source, or
/// that would outgrow one segment, is left as it was.
fn with_source(xmp: Option<Vec<u8>>, url: &str) -> Option<Vec<u8>> {
    let description = format!("{XMP_SOURCE_OPEN}{}{XMP_SOURCE_CLOSE}", xml_escape(url));
    let Some(xmp) = xmp else {
        let packet = format!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
             <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
             <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
             {description}</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
        );
        return Some(packet.into_bytes()).filter(|p| p.len() <= MAX_XMP_BYTES);
    };
    let named = find(&xmp, b"dc:source").is_some();
    let Some(end) = find(&xmp, b"</rdf:RDF>").filter(|_| !named) else {
        return Some(xmp);
    };
    let mut out = Vec::with_capacity(xmp.len() + description.len());
    out.extend_from_slice(&xmp[..end]);
    out.extend_from_slice(description.as_bytes());
    out.extend_from_slice(&xmp[end..]);
    Some(if out.len() <= MAX_XMP_BYTES { out } else { xmp })
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
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
    fn the_source_page_goes_into_xmp() {
        let url = "https://example.org/a?b=1&c=<2>";
        let own = String::from_utf8(with_source(None, url).unwrap()).unwrap();
        assert!(own.contains("<dc:source>https://example.org/a?b=1&amp;c=&lt;2&gt;</dc:source>"));
        assert!(own.starts_with("<?xpacket begin="));
        let photo =
            br#"<x:xmpmeta><rdf:RDF><rdf:Description tiff:Orientation="1"/></rdf:RDF></x:xmpmeta>"#;
        let merged = String::from_utf8(with_source(Some(photo.to_vec()), url).unwrap()).unwrap();
        assert!(merged.contains(r#"tiff:Orientation="1"/><rdf:Description"#));
        assert!(merged.ends_with("</rdf:Description></rdf:RDF></x:xmpmeta>"));
        let named = b"<rdf:RDF><dc:source>x</dc:source></rdf:RDF>".to_vec();
        assert_eq!(with_source(Some(named.clone()), url), Some(named));
    }

    #[test]
    fn xmp_orientation_is_reset_in_both_forms() {
        let xmp = br#"<x tiff:Orientation="6"/><tiff:Orientation>8</tiff:Orientation>"#;
        assert_eq!(
            xmp_orientation_upright(xmp),
            br#"<x tiff:Orientation="1"/><tiff:Orientation>1</tiff:Orientation>"#.to_vec()
        );
    }
}
