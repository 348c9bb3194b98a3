//! JPEG encoding with `jpeg-encoder`.
//!
//! Sampling is set explicitly: the crate switches to 4:4:4 at quality ≥ 90 and by default
//! subsamples chroma by taking one pixel of each block. 4:2:0 with box-averaged chroma and
//! optimised Huffman tables was measured 9 % smaller than 4:4:4 at the same PSNR on a 12 MP
//! photo (`tests/convert_encoders.rs`, docs/MEASUREMENTS.md); it is also what cameras and iPhones
//! write.
//!
//! Huffman tables are optimised for each photo, and written in one interleaved baseline scan
//! that every decoder reads: upstream jpeg-encoder 0.7 writes optimised tables as one scan per
//! component (a legal but rare "non-interleaved sequential" JPEG, which zune-jpeg, the decoder
//! behind the `image` crate, decoded with wrong colours), so photolift carries a patched copy
//! (`patches/jpeg-encoder/PATCHES.md`) that counts the symbols in a first pass over the image
//! and writes one interleaved scan in the second. What it gains and costs: `docs/SPEED.md`.

use jpeg_encoder::{
    ChromaSubsamplingMethod, ColorType, Encoder, ImageBuffer, JpegColorType, SamplingFactor,
};

use super::decode::Pixels;

use super::error::ConvertError;
use super::gain_map::{self, GainMap, ISO_NAMESPACE};
use super::limits::JPEG_MAX_SIDE;
use super::metadata::{OutputMetadata, XMP_HEADER};

/// Encodes upright pixels, with the metadata in APP1 (EXIF, XMP) and APP2 (ICC).
pub(crate) fn encode_jpeg(
    pixels: &Pixels,
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
    let mut out = Vec::with_capacity(width as usize * height as usize * 3 / 4);
    let mut encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder.set_optimized_huffman_tables(true);
    // Trailing ±1 coefficients that cost more bits than they are worth are dropped (patched
    // encoder, change 8): 0.6–1.5 % smaller for at most 0.005 dB of luma PSNR (docs/SPEED.md,
    // step 20).
    encoder.set_trimmed_block_ends(true);
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
    match pixels {
        Pixels::Rgb(rgb) => encoder.encode(rgb, w16, h16, ColorType::Rgb),
        Pixels::YCbCr420(planes) => encoder.encode_image(Planar(planes)),
    }
    .map_err(encode_error)?;
    Ok(out)
}

/// A HEIC's YCbCr 4:2:0 planes as the encoder's input: its rows at full width, each chroma
/// sample given for both of its columns (and both of its rows). The encoder box-averages each
/// 2×2 block of chroma (4:2:0, `ChromaSubsamplingMethod::Average`), which gives back exactly the
/// decoded sample: the JPEG stores the HEIC's own chroma, resampled nowhere.
struct Planar<'a>(&'a heifer::YCbCr420);

impl ImageBuffer for Planar<'_> {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.0.width() as u16
    }

    fn height(&self) -> u16 {
        self.0.height() as u16
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let planes = self.0;
        let (width, y) = (planes.y.width as usize, usize::from(y));
        buffers[0].extend_from_slice(&planes.y.data[y * width..(y + 1) * width]);
        let chroma_width = planes.cb.width as usize;
        let row = (y / 2) * chroma_width..(y / 2 + 1) * chroma_width;
        for (buffer, plane) in buffers[1..3].iter_mut().zip([&planes.cb, &planes.cr]) {
            // Sized once, then written a pair at a time with two plain stores: pushing (or
            // filling) two bytes at a time became a bulk-memory call per chroma sample in wasm,
            // 8 % of a 12 MP conversion.
            let start = buffer.len();
            buffer.resize(start + width, 0);
            let samples = &plane.data[row.clone()];
            let mut pairs = buffer[start..].chunks_exact_mut(2);
            for (pair, &sample) in pairs.by_ref().zip(samples) {
                pair[0] = sample;
                pair[1] = sample;
            }
            // An odd width: the last luma column's chroma sample, alone.
            if let (Some(last), Some(&sample)) =
                (pairs.into_remainder().first_mut(), samples.get(width / 2))
            {
                *last = sample;
            }
        }
    }
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
    encoder.set_optimized_huffman_tables(true);
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
