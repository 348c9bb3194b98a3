//! An image chosen on a web page ("Upload to iCloud Photos" in the context menu), as the
//! background fetched it: what the panel lists it as (a name from its address), which date it
//! gets (the server's `Last-Modified`, else the moment it was chosen), and whether it is an image
//! at all. The bytes then go the way of any picked file.

use crate::convert::{sniff_format, Format};
use crate::protocol::WebImage;
use crate::queue::Reason;

/// What becomes of a web image in the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebImageIntake {
    /// A photo to convert and upload like a picked file, listed as `name`, with `last_modified_ms`
    /// as its file date (what date rescue writes as DateTimeOriginal) and `source_url` (the page)
    /// for its XMP `dc:source`.
    Photo {
        name: String,
        last_modified_ms: u64,
        source_url: String,
    },
    /// Listed as `name` and skipped with `reason`: nothing to upload.
    Unavailable { name: String, reason: Reason },
}

/// Decides what to do with `image`, whose first bytes (or all of them) are `head`.
pub fn web_image_intake(image: &WebImage, head: &[u8]) -> WebImageIntake {
    let format = sniff_format(head);
    let name = web_image_name(&image.src_url, format);
    let fetched = (200..300).contains(&image.status);
    let is_image = !matches!(format, Format::Unknown | Format::Video(_));
    if !fetched || !is_image {
        let reason = Reason::WebImageUnavailable {
            address: image.src_url.clone(),
            status: image.status,
        };
        return WebImageIntake::Unavailable { name, reason };
    }
    WebImageIntake::Photo {
        name,
        last_modified_ms: image.last_modified_ms.unwrap_or(image.chosen_ms),
        source_url: image.page_url.clone(),
    }
}

/// The longest name kept from an address (in characters, before the extension).
const MAX_STEM_CHARS: usize = 80;

/// The name an image is listed under: the last segment of its address's path, decoded
/// (`https://cdn.example/a/Sunset%20View.webp?w=800` → `Sunset View.webp`), with the extension
/// of what its bytes are when the address has none; `image.<ext>` when the address names no
/// file (a `data:` address, a path ending in `/`).
pub fn web_image_name(address: &str, format: Format) -> String {
    let path = if address.starts_with("data:") || address.starts_with("blob:") {
        ""
    } else {
        let end = address.find(['?', '#']).unwrap_or(address.len());
        let path = &address[..end];
        let after_scheme = path.find("://").map_or(0, |i| i + 3);
        path[after_scheme..]
            .find('/')
            .map_or("", |slash| &path[after_scheme + slash..])
    };
    let segment = path.rsplit('/').next().unwrap_or_default();
    let decoded: String = percent_decode(segment)
        .chars()
        .filter(|c| !c.is_control() && !"/\\:*?\"<>|".contains(*c))
        .collect();
    let decoded = decoded.trim().trim_start_matches('.');
    let stem_and_ext = if decoded.is_empty() { "image" } else { decoded };
    let (stem, ext) = match stem_and_ext.rfind('.') {
        Some(dot) if dot > 0 => (&stem_and_ext[..dot], Some(&stem_and_ext[dot + 1..])),
        _ => (stem_and_ext, None),
    };
    let stem: String = stem.chars().take(MAX_STEM_CHARS).collect();
    let known = extension_of(format);
    let ext = match (ext, known) {
        (Some(ext), _) if ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            ext.to_string()
        }
        (_, Some(known)) => known.to_string(),
        (Some(_), None) | (None, None) => return stem,
    };
    format!("{stem}.{ext}")
}

fn extension_of(format: Format) -> Option<&'static str> {
    Some(match format {
        Format::Jpeg => "jpg",
        Format::Heic => "heic",
        Format::Png => "png",
        Format::WebP => "webp",
        Format::Gif => "gif",
        Format::Bmp => "bmp",
        Format::Tiff => "tiff",
        Format::Avif => "avif",
        Format::Video(_) | Format::Unknown => return None,
    })
}

/// `%XX` escapes decoded as UTF-8 (invalid sequences kept as they were written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";

    fn image(src: &str, status: u16, last_modified_ms: Option<u64>) -> WebImage {
        WebImage {
            src_url: src.into(),
            page_url: "https://gallery.example/trip.html".into(),
            status,
            media_type: "image/webp".into(),
            last_modified_ms,
            chosen_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn names_come_from_the_address() {
        let name = |a| web_image_name(a, Format::WebP);
        assert_eq!(
            name("https://cdn.example/a/Sunset%20View.webp?w=800"),
            "Sunset View.webp"
        );
        assert_eq!(name("https://cdn.example/img/12345"), "12345.webp");
        assert_eq!(name("https://cdn.example/"), "image.webp");
        assert_eq!(name("https://cdn.example"), "image.webp");
        assert_eq!(name("data:image/webp;base64,UklGR"), "image.webp");
        assert_eq!(name("https://cdn.example/a/..%2F..%2Fetc.png"), "etc.png");
        assert_eq!(
            web_image_name("https://x.example/page", Format::Unknown),
            "page"
        );
    }

    #[test]
    fn the_date_is_last_modified_else_the_click() {
        let head = WEBP;
        let with = web_image_intake(&image("https://x.example/a.webp", 200, Some(5)), head);
        let without = web_image_intake(&image("https://x.example/a.webp", 200, None), head);
        let date = |intake| match intake {
            WebImageIntake::Photo {
                last_modified_ms,
                source_url,
                ..
            } => {
                assert_eq!(source_url, "https://gallery.example/trip.html");
                last_modified_ms
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(date(with), 5);
        assert_eq!(date(without), 1_700_000_000_000);
    }

    #[test]
    fn what_is_not_an_image_is_said_plainly() {
        let html = b"<!doctype html><html>";
        for (status, head) in [(200, &html[..]), (404, WEBP), (0, &[][..])] {
            let intake = web_image_intake(&image("https://x.example/a.webp", status, None), head);
            let WebImageIntake::Unavailable { name, reason } = intake else {
                panic!("{intake:?}");
            };
            assert_eq!(name, "a.webp");
            assert_eq!(
                reason,
                Reason::WebImageUnavailable {
                    address: "https://x.example/a.webp".into(),
                    status
                }
            );
            assert!(!crate::words::english_reason(&reason).is_empty());
        }
    }
}
