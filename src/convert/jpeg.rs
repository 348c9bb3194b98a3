//! JPEG encoding with `jpeg-encoder`.
//!
//! Sampling is set explicitly: the crate switches to 4:4:4 at quality ≥ 90 and by default
//! subsamples chroma by taking one pixel of each block. 4:2:0 with box-averaged chroma and
//! optimised Huffman tables was measured 9 % smaller than 4:4:4 at the same PSNR on a 12 MP
//! photo (`tests/convert_encoders.rs`, docs/MEASUREMENTS.md); it is also what cameras and iPhones
//! write.
//!
//! Huffman tables are NOT optimised: with optimisation on, jpeg-encoder 0.7 writes one scan per
//! component (a legal but rare "non-interleaved sequential" JPEG) and zune-jpeg, the decoder
//! behind the `image` crate, decodes such files with wrong colours (seen on a 32×16 PNG in
//! `tests/convert_corpus.rs`). One interleaved scan with the standard tables decodes everywhere;
//! it costs about 3 % of file size (measured on `example.heic` and `pug.heic`).

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};

use super::error::ConvertError;
use super::gain_map::{self, GainMap, ISO_NAMESPACE};
use super::limits::JPEG_MAX_SIDE;
use super::metadata::{OutputMetadata, XMP_HEADER};

/// Encodes packed 8-bit RGB pixels, with the metadata in APP1 (EXIF, XMP) and APP2 (ICC).
pub(crate) fn encode_jpeg(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: u8,
    metadata: &OutputMetadata,
) -> Result<Vec<u8>, ConvertError> {
    let too_large = || ConvertError::TooLargeForJpeg { width, height };
    if width > JPEG_MAX_SIDE || height > JPEG_MAX_SIDE {
        return Err(too_large());
    }
    let (w16, h16) = (
        u16::try_from(width).map_err(|_| too_large())?,
        u16::try_from(height).map_err(|_| too_large())?,
    );
    let encode_error = |e: jpeg_encoder::EncodingError| ConvertError::Encode {
        detail: e.to_string(),
    };

    // Compressed output is usually well under a third of the raw size at q92.
    let mut out = Vec::with_capacity(rgb.len() / 4);
    let mut encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder.set_optimized_huffman_tables(false);
    if let Some(exif) = &metadata.exif {
        encoder.add_exif_metadata(exif).map_err(encode_error)?;
    }
    if let Some(xmp) = &metadata.xmp {
        let mut segment = XMP_HEADER.to_vec();
        segment.extend_from_slice(xmp);
        encoder.add_app_segment(1, segment).map_err(encode_error)?;
    }
    if let Some(icc) = &metadata.icc {
        // Split into APP2 "ICC_PROFILE" chunks of at most 65,519 bytes by the encoder.
        encoder.add_icc_profile(icc).map_err(encode_error)?;
    }
    encoder
        .encode(rgb, w16, h16, ColorType::Rgb)
        .map_err(encode_error)?;
    Ok(out)
}

/// Encodes a gain map as the grey JPEG that follows the primary image, with its metadata: the
/// Ultra HDR XMP (APP1) and ISO 21496-1 (APP2).
pub(crate) fn encode_gain_map(map: &GainMap, quality: u8) -> Result<Vec<u8>, ConvertError> {
    let too_large = || ConvertError::TooLargeForJpeg {
        width: map.width,
        height: map.height,
    };
    let (w16, h16) = (
        u16::try_from(map.width).map_err(|_| too_large())?,
        u16::try_from(map.height).map_err(|_| too_large())?,
    );
    let encode_error = |e: jpeg_encoder::EncodingError| ConvertError::Encode {
        detail: e.to_string(),
    };
    let mut out = Vec::with_capacity(map.grey.len() / 4);
    let mut encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_optimized_huffman_tables(false);
    let mut xmp = XMP_HEADER.to_vec();
    xmp.extend_from_slice(&gain_map::gain_map_xmp(map.max_log2));
    encoder.add_app_segment(1, xmp).map_err(encode_error)?;
    let mut iso = ISO_NAMESPACE.to_vec();
    iso.extend_from_slice(&gain_map::iso_metadata(map.max_log2));
    encoder.add_app_segment(2, iso).map_err(encode_error)?;
    encoder
        .encode(&map.grey, w16, h16, ColorType::Luma)
        .map_err(encode_error)?;
    Ok(out)
}
