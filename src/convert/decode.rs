//! Decoding to upright 8-bit RGB: heifer for HEIC/HEIF, the `image` crate for the rest.
//! Alpha is flattened on white (JPEG has none, and white is what a transparent area looks
//! like on a page); 16-bit samples are reduced to 8.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::error::ConvertError;
use super::limits::{check_pixel_budget, image_limits};
use super::metadata::SourceMetadata;
use super::sniff::Format;

/// Decoded pixels, upright, as packed RGB, with the source's metadata.
pub(crate) struct Decoded {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub metadata: SourceMetadata,
}

/// Decodes an image format `sniff_format` recognised (not JPEG, AVIF, video or unknown).
pub(crate) fn decode(
    format: Format,
    bytes: &[u8],
    max_pixels: u64,
) -> Result<Decoded, ConvertError> {
    match format {
        Format::Heic => decode_heif(bytes, max_pixels),
        Format::Png => decode_with_image(format, ImageFormat::Png, bytes, max_pixels),
        Format::WebP => decode_with_image(format, ImageFormat::WebP, bytes, max_pixels),
        Format::Gif => decode_with_image(format, ImageFormat::Gif, bytes, max_pixels),
        Format::Bmp => decode_with_image(format, ImageFormat::Bmp, bytes, max_pixels),
        Format::Tiff => decode_with_image(format, ImageFormat::Tiff, bytes, max_pixels),
        Format::Jpeg | Format::Avif | Format::Video(_) | Format::Unknown => {
            Err(ConvertError::Unsupported {
                format: format.name(),
            })
        }
    }
}

fn damaged(format: Format, detail: impl ToString) -> ConvertError {
    ConvertError::Damaged {
        format: format.name(),
        detail: detail.to_string(),
    }
}

/// HEIC: heifer applies `irot`/`imir` and crops itself, so the result is upright.
fn decode_heif(bytes: &[u8], max_pixels: u64) -> Result<Decoded, ConvertError> {
    // Web workers have no threads in wasm32; tiles decode one after another.
    let options = heifer::Options {
        max_threads: 1,
        max_pixels,
    };
    // Metadata that cannot be read must not stop the photo itself from converting.
    let metadata = heifer::read_metadata(bytes).unwrap_or_default();
    let icc = metadata.icc_profile.filter(|icc| !icc.is_empty());
    let image = if icc.is_some() {
        // Pixels stay in the profile's space; the profile travels to the JPEG (metadata.rs).
        heifer::decode_rgba8(bytes, &options)
    } else {
        // Without a profile, `nclx` colour information (if any) is applied here, since the
        // JPEG will be read as sRGB. HDR transfers heifer cannot map are decoded as coded.
        match heifer::decode_srgb_rgba8(bytes, &options) {
            Err(heifer::Error::Unsupported(_)) => heifer::decode_rgba8(bytes, &options),
            other => other,
        }
    }
    .map_err(heif_error)?;
    let rgb = flatten_rgba_on_white(image.data, image.has_alpha);
    Ok(Decoded {
        rgb,
        width: image.width,
        height: image.height,
        metadata: SourceMetadata {
            exif: metadata.exif,
            exif_is_tiff_file: false,
            xmp: metadata.xmp,
            icc,
        },
    })
}

fn heif_error(error: heifer::Error) -> ConvertError {
    match &error {
        heifer::Error::Unsupported(what) => damaged(Format::Heic, format!("unsupported: {what}")),
        _ => damaged(Format::Heic, &error),
    }
}

fn decode_with_image(
    format: Format,
    image_format: ImageFormat,
    bytes: &[u8],
    max_pixels: u64,
) -> Result<Decoded, ConvertError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(image_limits(max_pixels));
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| image_error(format, e, max_pixels))?;
    let (width, height) = decoder.dimensions();
    check_pixel_budget(u64::from(width), u64::from(height), max_pixels)?;

    // Metadata errors are not worth failing the photo for.
    let icc = decoder.icc_profile().ok().flatten();
    let xmp = decoder.xmp_metadata().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| image_error(format, e, max_pixels))?;
    image.apply_orientation(orientation);

    // TIFF keeps its EXIF tags in the image's own IFD: the whole file is the EXIF source.
    let (exif, exif_is_tiff_file) = match (format, exif) {
        (Format::Tiff, None) => (Some(bytes.to_vec()), true),
        (_, exif) => (exif.map(strip_exif_header), false),
    };
    let (width, height) = (image.width(), image.height());
    Ok(Decoded {
        rgb: to_rgb8_on_white(image),
        width,
        height,
        metadata: SourceMetadata {
            exif,
            exif_is_tiff_file,
            xmp,
            icc,
        },
    })
}

/// Some writers keep the JPEG "Exif\0\0" prefix inside PNG `eXIf` / WebP `EXIF` chunks.
fn strip_exif_header(mut exif: Vec<u8>) -> Vec<u8> {
    if exif.starts_with(b"Exif\0\0") {
        exif.drain(..6);
    }
    exif
}

fn image_error(format: Format, error: image::ImageError, max_pixels: u64) -> ConvertError {
    match error {
        image::ImageError::Limits(_) => ConvertError::TooMuchMemory {
            limit_megapixels: max_pixels / 1_000_000,
        },
        image::ImageError::Unsupported(unsupported) => ConvertError::UnsupportedVariant {
            format: format.name(),
            detail: unsupported.to_string(),
        },
        other => damaged(format, other),
    }
}

fn to_rgb8_on_white(image: DynamicImage) -> Vec<u8> {
    match image {
        DynamicImage::ImageRgb8(rgb) => rgb.into_raw(),
        DynamicImage::ImageRgba8(rgba) => flatten_rgba_on_white(rgba.into_raw(), true),
        other if other.color().has_alpha() => {
            flatten_rgba_on_white(other.into_rgba8().into_raw(), true)
        }
        other => other.into_rgb8().into_raw(),
    }
}

/// RGBA → RGB over white, reusing the RGBA buffer: a 200 MP photo cannot afford a second one.
fn flatten_rgba_on_white(mut rgba: Vec<u8>, has_alpha: bool) -> Vec<u8> {
    let pixels = rgba.len() / 4;
    for i in 0..pixels {
        let [r, g, b, a] = [
            rgba[4 * i],
            rgba[4 * i + 1],
            rgba[4 * i + 2],
            rgba[4 * i + 3],
        ];
        let over_white = |c: u8| -> u8 {
            if !has_alpha || a == 255 {
                c
            } else {
                let a = u32::from(a);
                ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8
            }
        };
        rgba[3 * i] = over_white(r);
        rgba[3 * i + 1] = over_white(g);
        rgba[3 * i + 2] = over_white(b);
    }
    rgba.truncate(pixels * 3);
    rgba
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_pixels_become_white_and_opaque_ones_stay() {
        let rgba = vec![10, 20, 30, 255, 0, 0, 0, 0, 0, 0, 0, 128];
        assert_eq!(
            flatten_rgba_on_white(rgba, true),
            vec![10, 20, 30, 255, 255, 255, 127, 127, 127]
        );
    }
}
