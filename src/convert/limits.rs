//! The pixel budget: a small file can declare a gigantic image ("decompression bomb"), so the
//! declared dimensions are read from the header and refused before any pixel buffer exists.

use super::error::ConvertError;
use super::sniff::Format;

/// JPEG stores each dimension in 16 bits.
pub(crate) const JPEG_MAX_SIDE: u32 = 65_535;

/// Refuses an image whose declared size exceeds `max_pixels`.
pub(crate) fn check_pixel_budget(
    width: u64,
    height: u64,
    max_pixels: u64,
) -> Result<(), ConvertError> {
    if width.saturating_mul(height) > max_pixels {
        return Err(ConvertError::TooLarge {
            width,
            height,
            limit_megapixels: max_pixels / 1_000_000,
        });
    }
    Ok(())
}

/// The image size that `bytes` declares in its header, when it can be read without decoding.
/// `None` when the header is too short to say; the decoder then reports the damage.
pub(crate) fn declared_dimensions(format: Format, bytes: &[u8]) -> Option<(u64, u64)> {
    match format {
        Format::Png => png_dimensions(bytes),
        Format::Gif => Some((u64::from(le16(bytes, 6)?), u64::from(le16(bytes, 8)?))),
        Format::Bmp => bmp_dimensions(bytes),
        Format::WebP => webp_dimensions(bytes),
        Format::Heic => heif_dimensions(bytes),
        _ => None,
    }
}

/// The `image` crate's own limits, a second line of defence for formats whose header we do not
/// parse ourselves (TIFF) and for allocations beyond the final buffer.
pub(crate) fn image_limits(max_pixels: u64) -> image::Limits {
    let mut limits = image::Limits::default();
    // 16-bit RGBA is the widest buffer a decoder makes: 8 bytes a pixel.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    limits
}

fn png_dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    // Signature (8), IHDR length (4) and type (4), then width and height.
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((u64::from(be32(bytes, 16)?), u64::from(be32(bytes, 20)?)))
}

fn bmp_dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    if le32(bytes, 14)? == 12 {
        return Some((u64::from(le16(bytes, 18)?), u64::from(le16(bytes, 20)?)));
    }
    // Height is negative for top-down bitmaps.
    let width = le32(bytes, 18)? as i32;
    let height = le32(bytes, 22)? as i32;
    Some((
        u64::from(width.unsigned_abs()),
        u64::from(height.unsigned_abs()),
    ))
}

fn webp_dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    let le24 = |at: usize| -> Option<u64> {
        let b = bytes.get(at..at + 3)?;
        Some(u64::from(b[0]) | u64::from(b[1]) << 8 | u64::from(b[2]) << 16)
    };
    match bytes.get(12..16)? {
        b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
        b"VP8L" => {
            let bits = le32(bytes, 21)?;
            Some((
                u64::from(bits & 0x3FFF) + 1,
                u64::from((bits >> 14) & 0x3FFF) + 1,
            ))
        }
        b"VP8 " => Some((
            u64::from(le16(bytes, 26)? & 0x3FFF),
            u64::from(le16(bytes, 28)? & 0x3FFF),
        )),
        _ => None,
    }
}

fn heif_dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    let file = heifer::heifer_isobmff::HeifFile::parse(bytes).ok()?;
    let (width, height) = file.image_size(file.primary_id).ok()??;
    Some((u64::from(width), u64::from(height)))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_above_limit_and_names_both_sides() {
        let err = check_pixel_budget(60_000, 60_000, 250_000_000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The image is too large: 60000 × 60000 pixels (photolift converts up to 250 megapixels). Make it smaller in a photo app."
        );
        assert!(check_pixel_budget(10_000, 10_000, 250_000_000).is_ok());
    }

    #[test]
    fn short_headers_give_no_dimensions_rather_than_panicking() {
        for format in [
            Format::Png,
            Format::Gif,
            Format::Bmp,
            Format::WebP,
            Format::Heic,
        ] {
            for len in 0..40 {
                let _ = declared_dimensions(format, &vec![0xFF; len]);
            }
        }
    }
}
