//! Decoding to upright 8-bit RGB: heifer for HEIC/HEIF, the `image` crate for the rest. TIFF,
//! WebP, GIF and BMP ([`Format::is_rare`]) are decoded by [`decode_rare`], which only a build with
//! the feature `codecs` has: in the browser that is a WebAssembly module of its own, which the
//! conversion worker loads when the first such file arrives (`src/web/codecs.rs`); its result comes
//! back as a [`RareImage`].
//! Alpha is flattened on white (JPEG has none, and white is what a transparent area looks
//! like on a page); 16-bit samples are reduced to 8.
//!
//! A HEIC whose samples are already a JPEG's (8-bit YCbCr 4:2:0, BT.601 matrix, full range, no
//! alpha, as iPhones write them) is not taken through RGB at all when asked (`transcode`): its
//! decoded planes go to the JPEG encoder as they are (see `heifer::ycbcr`), which saves the
//! chroma upsampling, the two colour conversions and the downsampling, and one resampling's
//! loss. So do 10-bit and 4:2:2 photos of that matrix (cameras' HIF files), their samples
//! scaled to 8 bits and their chroma halved vertically on the way, and limited-range ones
//! (libheif's own files), their samples stretched to the full range on the way.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder};

use super::error::ConvertError;
use super::exif::orientation_tag;
use super::gain_map::{self, GainMap};
use super::limits::{check_pixel_budget, image_limits};
use super::metadata::SourceMetadata;
use super::orientation;
use super::sniff::Format;

/// Upright pixels.
pub(crate) enum Pixels {
    /// Packed 8-bit RGB.
    Rgb(Vec<u8>),
    /// A HEIC's decoded planes, whose samples mean what a JPEG's mean.
    YCbCr420(heifer::YCbCr420),
}

/// Decoded pixels, upright, with the source's metadata.
pub(crate) struct Decoded {
    pub pixels: Pixels,
    pub width: u32,
    pub height: u32,
    pub metadata: SourceMetadata,
    /// The HDR gain map, upright like `rgb`, when asked for and the photo has one.
    pub gain_map: Option<GainMap>,
}

/// A photo of a rare format ([`Format::is_rare`]) decoded: upright packed 8-bit RGB (flattened on
/// white) with the source's metadata. What the codecs module hands the conversion worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RareImage {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub exif: Option<Vec<u8>>,
    /// The whole file is the EXIF source (a TIFF keeps its tags in its own IFD).
    pub exif_is_tiff_file: bool,
    pub xmp: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
}

/// Decodes an image format `sniff_format` recognised (not JPEG, AVIF, video or unknown); the
/// rare formats by `rare` (see [`RareImage`]).
pub(crate) fn decode(
    format: Format,
    bytes: &[u8],
    max_pixels: u64,
    want_gain_map: bool,
    transcode: bool,
    rare: impl FnOnce(Format, &[u8], u64) -> Result<RareImage, ConvertError>,
) -> Result<Decoded, ConvertError> {
    match format {
        Format::Heic => decode_heif(bytes, max_pixels, want_gain_map, transcode),
        Format::Png => {
            let limits = image_limits(max_pixels);
            let decoder =
                image::codecs::png::PngDecoder::with_limits(Cursor::new(bytes), limits.clone());
            decode_with_image(format, decoder, limits, bytes, max_pixels)
        }
        Format::WebP | Format::Gif | Format::Bmp | Format::Tiff => {
            let image = rare(format, bytes, max_pixels)?;
            Ok(Decoded {
                gain_map: None,
                pixels: Pixels::Rgb(image.rgb),
                width: image.width,
                height: image.height,
                metadata: SourceMetadata {
                    exif: image.exif,
                    exif_is_tiff_file: image.exif_is_tiff_file,
                    xmp: image.xmp,
                    icc: image.icc,
                },
            })
        }
        Format::Jpeg | Format::Avif | Format::Video(_) | Format::Unknown => {
            Err(ConvertError::Unsupported {
                format: format.name().into(),
            })
        }
    }
}

/// Decodes a TIFF, WebP, GIF or BMP ([`Format::is_rare`]) with the `image` crate.
#[cfg(feature = "codecs")]
pub fn decode_rare(
    format: Format,
    bytes: &[u8],
    max_pixels: u64,
) -> Result<RareImage, ConvertError> {
    use image::codecs::{bmp::BmpDecoder, gif::GifDecoder, tiff::TiffDecoder, webp::WebPDecoder};
    fn boxed<'a, D: ImageDecoder + 'a>(
        decoder: image::ImageResult<D>,
    ) -> image::ImageResult<Box<dyn ImageDecoder + 'a>> {
        Ok(Box::new(decoder?))
    }
    let reader = Cursor::new(bytes);
    let decoder = match format {
        Format::WebP => boxed(WebPDecoder::new(reader)),
        Format::Gif => boxed(GifDecoder::new(reader)),
        Format::Bmp => boxed(BmpDecoder::new(reader)),
        Format::Tiff => boxed(TiffDecoder::new(reader)),
        _ => {
            return Err(ConvertError::Unsupported {
                format: format.name().into(),
            })
        }
    };
    let decoded = decode_with_image(format, decoder, image_limits(max_pixels), bytes, max_pixels)?;
    let Pixels::Rgb(rgb) = decoded.pixels else {
        unreachable!("the image crate decodes to RGB")
    };
    Ok(RareImage {
        rgb,
        width: decoded.width,
        height: decoded.height,
        exif: decoded.metadata.exif,
        exif_is_tiff_file: decoded.metadata.exif_is_tiff_file,
        xmp: decoded.metadata.xmp,
        icc: decoded.metadata.icc,
    })
}

fn damaged(format: Format, detail: impl ToString) -> ConvertError {
    ConvertError::Damaged {
        format: format.name().into(),
        detail: detail.to_string(),
    }
}

/// HEIC: heifer crops and applies `irot`/`imir` itself; a file without them is turned by its
/// EXIF Orientation (`orientation.rs` has the rule).
fn decode_heif(
    bytes: &[u8],
    max_pixels: u64,
    want_gain_map: bool,
    transcode: bool,
) -> Result<Decoded, ConvertError> {
    // Web workers have no threads in wasm32; tiles decode one after another.
    let options = heifer::Options {
        max_threads: 1,
        max_pixels,
    };
    // Metadata that cannot be read must not stop the photo itself from converting.
    let metadata = heifer::read_metadata(bytes).unwrap_or_default();
    let icc = metadata.icc_profile.filter(|icc| !icc.is_empty());
    let as_coded = icc.is_some() || declared_colour(bytes).is_none_or(displays_as_srgb);
    let turn = orientation::to_apply(
        has_container_transform(bytes),
        metadata.exif.as_deref().and_then(orientation_tag),
    );
    let gain_map = |turn| {
        if want_gain_map {
            gain_map::from_heic(bytes, max_pixels, turn)
        } else {
            Ok(None)
        }
    };
    let source_metadata = SourceMetadata {
        exif: metadata.exif,
        exif_is_tiff_file: false,
        xmp: metadata.xmp,
        icc,
    };
    // Samples kept as coded and nothing left to turn: the planes themselves, when they are a
    // JPEG's (else `None`, and the RGB way below).
    if transcode && as_coded && turn == Orientation::NoTransforms {
        if let Some(planes) = heifer::decode_ycbcr420(bytes, &options).map_err(heif_error)? {
            return Ok(Decoded {
                gain_map: gain_map(turn)?,
                width: planes.width(),
                height: planes.height(),
                pixels: Pixels::YCbCr420(planes),
                metadata: source_metadata,
            });
        }
    }
    let image = if as_coded {
        // With a profile, pixels stay in the profile's space and the profile travels to the
        // JPEG (metadata.rs). Without one, SDR colour close to sRGB is kept as coded.
        heifer::decode_rgba8(bytes, &options)
    } else {
        // Other `nclx` colour (Display P3 or BT.2020 primaries…) is converted here, since the
        // JPEG will be read as sRGB. HDR transfers heifer cannot map are decoded as coded.
        match heifer::decode_srgb_rgba8(bytes, &options) {
            Err(heifer::Error::Unsupported(_)) => heifer::decode_rgba8(bytes, &options),
            other => other,
        }
    }
    .map_err(heif_error)?;
    let (rgb, width, height) = orientation::turn_upright(
        flatten_rgba_on_white(image.data, image.has_alpha),
        image.width,
        image.height,
        turn,
    )?;
    Ok(Decoded {
        gain_map: gain_map(turn)?,
        pixels: Pixels::Rgb(rgb),
        width,
        height,
        metadata: source_metadata,
    })
}

/// Whether the image heifer decodes carries its own rotation or mirror (`irot`, `imir`).
fn has_container_transform(bytes: &[u8]) -> bool {
    use heifer::heifer_isobmff::boxes::Property;
    let Ok(file) = heifer::heifer_isobmff::HeifFile::parse(bytes) else {
        return false;
    };
    let Ok(mut properties) = file.item_properties(heifer::primary_image_id(&file)) else {
        return false;
    };
    properties.any(|p| matches!(p, Property::Rotation(_) | Property::Mirror(_)))
}

/// The colour primaries and transfer characteristics a HEIF's primary image declares, as
/// heifer's sRGB conversion reads them: the `nclx` property of the item, else of its first
/// tile, else the HEVC VUI of that coded item. `None` when nothing is declared or readable.
fn declared_colour(bytes: &[u8]) -> Option<(u16, u16)> {
    use heifer::heifer_hevc_dec::{nal::NalUnit, params::ParameterSets};
    use heifer::heifer_isobmff::boxes::{ColorInfo, Property};
    let file = heifer::heifer_isobmff::HeifFile::parse(bytes).ok()?;
    let mut item = heifer::primary_image_id(&file);
    for _ in 0..4 {
        let nclx = file.item_properties(item).ok()?.find_map(|p| match p {
            Property::Color(ColorInfo::Nclx {
                primaries,
                transfer,
                ..
            }) => Some((*primaries, *transfer)),
            _ => None,
        });
        if nclx.is_some() {
            return nclx;
        }
        if let Ok(Some(config)) = file.hevc_config(item) {
            let mut sets = ParameterSets::default();
            for nal in &config.nal_units {
                let _ = NalUnit::parse(nal).map(|nal| sets.add(&nal));
            }
            return sets.sps.iter().flatten().find_map(|sps| {
                let vui = sps.vui.as_ref()?;
                Some((
                    u16::from(vui.colour_primaries),
                    u16::from(vui.transfer_characteristics),
                ))
            });
        }
        item = *file.referenced_items(item, b"dimg").first()?;
    }
    None
}

/// Whether pixels declared with these H.273 primaries and transfer are shown as sRGB anyway:
/// BT.709 (= sRGB) or BT.601 primaries, with the sRGB transfer or an SDR camera transfer
/// (BT.709/601/2020, which displays render as sRGB-like, not by inverting the camera curve).
/// Android phones write exactly this (xiaomi.heic: BT.601 primaries and transfer in the VUI);
/// converting it with the inverse BT.601 curve shifted every tone (31 dB from libheif, which
/// shows it as coded, as do browsers for JPEG). 2 is "unspecified".
fn displays_as_srgb((primaries, transfer): (u16, u16)) -> bool {
    matches!(primaries, 1 | 2 | 5 | 6) && matches!(transfer, 1 | 2 | 6 | 13 | 14 | 15)
}

fn heif_error(error: heifer::Error) -> ConvertError {
    match &error {
        heifer::Error::Unsupported(what) => damaged(Format::Heic, format!("unsupported: {what}")),
        _ => damaged(Format::Heic, &error),
    }
}

/// Decodes with one of the `image` crate's decoders, made and limited as its `ImageReader` does
/// (PNG's made with the limits, then `set_limits` on each), but named here: the reader's
/// every-format constructor would put every compiled decoder in each WebAssembly module.
fn decode_with_image<D: ImageDecoder>(
    format: Format,
    decoder: image::ImageResult<D>,
    limits: image::Limits,
    bytes: &[u8],
    max_pixels: u64,
) -> Result<Decoded, ConvertError> {
    let mut decoder = decoder.map_err(|e| image_error(format, e, max_pixels))?;
    decoder
        .set_limits(limits)
        .map_err(|e| image_error(format, e, max_pixels))?;
    let (width, height) = decoder.dimensions();
    check_pixel_budget(u64::from(width), u64::from(height), max_pixels)?;

    // Metadata errors are not worth failing the photo for.
    let icc = decoder.icc_profile().ok().flatten();
    let xmp = decoder.xmp_metadata().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten();
    // The EXIF Orientation (PNG `eXIf`, WebP `EXIF`, TIFF's tag); these formats have no other.
    let exif_orientation = decoder.orientation().ok().map(|o| u16::from(o.to_exif()));
    let image =
        DynamicImage::from_decoder(decoder).map_err(|e| image_error(format, e, max_pixels))?;

    // TIFF keeps its EXIF tags in the image's own IFD: the whole file is the EXIF source.
    let (exif, exif_is_tiff_file) = match (format, exif) {
        (Format::Tiff, None) => (Some(bytes.to_vec()), true),
        (_, exif) => (exif.map(strip_exif_header), false),
    };
    let (width, height) = (image.width(), image.height());
    let (rgb, width, height) = orientation::turn_upright(
        to_rgb8_on_white(image),
        width,
        height,
        orientation::to_apply(false, exif_orientation),
    )?;
    Ok(Decoded {
        gain_map: None,
        pixels: Pixels::Rgb(rgb),
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
            format: format.name().into(),
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
/// A block of pixels at a time is copied out first (the RGB written so far never reaches the RGBA
/// still to read, but within a block it would), so the loops below are plain, vectorisable ones;
/// an opaque block (every pixel of most screenshots) is only repacked.
fn flatten_rgba_on_white(mut rgba: Vec<u8>, has_alpha: bool) -> Vec<u8> {
    const BLOCK: usize = 1024;
    let pixels = rgba.len() / 4;
    let mut block = [0u8; 4 * BLOCK];
    let mut start = 0;
    while start < pixels {
        let n = BLOCK.min(pixels - start);
        let source = &mut block[..4 * n];
        source.copy_from_slice(&rgba[4 * start..4 * (start + n)]);
        let out = &mut rgba[3 * start..3 * (start + n)];
        let opaque = !has_alpha || source.chunks_exact(4).all(|pixel| pixel[3] == 255);
        if opaque {
            for (rgb, pixel) in out.chunks_exact_mut(3).zip(source.chunks_exact(4)) {
                rgb.copy_from_slice(&pixel[..3]);
            }
        } else {
            for (rgb, pixel) in out.chunks_exact_mut(3).zip(source.chunks_exact(4)) {
                let a = u32::from(pixel[3]);
                for (c, &value) in rgb.iter_mut().zip(&pixel[..3]) {
                    *c = ((u32::from(value) * a + 255 * (255 - a) + 127) / 255) as u8;
                }
            }
        }
        start += n;
    }
    rgba.truncate(pixels * 3);
    rgba
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_colour_far_from_srgb_is_converted() {
        // BT.709, BT.601 (Android phones' VUI) and unspecified, with SDR transfers: as coded.
        for colour in [(1, 1), (1, 13), (5, 6), (6, 6), (2, 2), (1, 14)] {
            assert!(displays_as_srgb(colour), "{colour:?}");
        }
        // Display P3, BT.2020, or HDR transfers (PQ, HLG): heifer converts (or refuses HDR).
        for colour in [(12, 13), (9, 14), (1, 16), (9, 18)] {
            assert!(!displays_as_srgb(colour), "{colour:?}");
        }
    }

    #[test]
    fn transparent_pixels_become_white_and_opaque_ones_stay() {
        let rgba = vec![10, 20, 30, 255, 0, 0, 0, 0, 0, 0, 0, 128];
        assert_eq!(
            flatten_rgba_on_white(rgba, true),
            vec![10, 20, 30, 255, 255, 255, 127, 127, 127]
        );
    }

    #[test]
    fn flattening_block_by_block_is_flattening_pixel_by_pixel() {
        // 2,500 pixels: opaque blocks, a block with one translucent pixel, a partial last block.
        let rgba: Vec<u8> = (0..2500u32)
            .flat_map(|i| {
                let alpha = if i == 1500 || i > 2300 {
                    (i % 256) as u8
                } else {
                    255
                };
                [(i % 251) as u8, (i % 241) as u8, (i % 239) as u8, alpha]
            })
            .collect();
        let expected: Vec<u8> = rgba
            .chunks_exact(4)
            .flat_map(|p| {
                let a = u32::from(p[3]);
                let over = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
                [over(p[0]), over(p[1]), over(p[2])]
            })
            .collect();
        assert_eq!(flatten_rgba_on_white(rgba.clone(), true), expected);
        let packed: Vec<u8> = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        assert_eq!(flatten_rgba_on_white(rgba, false), packed);
    }
}
