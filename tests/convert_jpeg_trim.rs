//! photolift's encoder drops a block's trailing ±1 coefficients where they cost more bits than
//! the error they save (patched `jpeg-encoder`, PATCHES.md change 8): a smaller JPEG of the same
//! photo, at almost the same fidelity (0.6–1.5 % smaller for at most 0.005 dB on the
//! benchmark's 12 MP photos, docs/SPEED.md step 20). Here on a photo of the corpus (1.2 % smaller,
//! 0.004 dB), encoded with and without the trimming, both JPEGs read back by an independent
//! decoder; and photolift's own JPEG is the trimmed one.

use std::path::PathBuf;

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};
use photolift::convert::{convert, Conversion, ConvertOptions};

/// As `src/convert/jpeg.rs` sets the encoder up (quality 92, 4:2:0 by averaging, optimised
/// tables), with or without the trimming.
fn encode(rgb: &[u8], width: u16, height: u16, trimmed: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder.set_optimized_huffman_tables(true);
    encoder.set_trimmed_block_ends(trimmed);
    encoder
        .encode(rgb, width, height, ColorType::Rgb)
        .expect("encode");
    out
}

/// RGB pixels and size of a JPEG, by zune-jpeg.
fn decode(jpeg: &[u8]) -> (Vec<u8>, u16, u16) {
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg));
    let pixels = decoder.decode().expect("decode");
    let (width, height) = decoder.dimensions().expect("dimensions");
    (pixels, width as u16, height as u16)
}

/// Luma PSNR of `b` against `a` (BT.601 weights on the RGB differences).
fn luma_psnr(a: &[u8], b: &[u8]) -> f64 {
    let squares: f64 = a
        .chunks_exact(3)
        .zip(b.chunks_exact(3))
        .map(|(p, q)| {
            let d = |i: usize| f64::from(p[i]) - f64::from(q[i]);
            let y = 0.299 * d(0) + 0.587 * d(1) + 0.114 * d(2);
            y * y
        })
        .sum();
    10.0 * (255.0 * 255.0 / (squares / (a.len() / 3) as f64)).log10()
}

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/heic")
        .join(name)
}

/// A photo's pixels: the corpus's Xiaomi HEIC as photolift converts it at quality 100, read
/// back (at 92 its coefficients would already sit on quality 92's steps, trimmed).
fn photo() -> (Vec<u8>, u16, u16) {
    let bytes = std::fs::read(corpus("xiaomi.heic")).expect("the shared corpus beside the repo");
    let options = ConvertOptions {
        quality: 100,
        ..ConvertOptions::default()
    };
    let Ok(Conversion::Converted(jpeg)) = convert(&bytes, &options) else {
        panic!("xiaomi.heic converts");
    };
    decode(&jpeg.bytes)
}

/// A JPEG from its first start of scan on: the coded picture, without the metadata segments.
fn scan(jpeg: &[u8]) -> &[u8] {
    let at = jpeg
        .windows(2)
        .position(|m| m == [0xFF, 0xDA])
        .expect("SOS");
    &jpeg[at..]
}

#[test]
fn trimming_makes_a_photo_smaller_at_the_same_fidelity() {
    let (photo, width, height) = photo();
    let plain = encode(&photo, width, height, false);
    let trimmed = encode(&photo, width, height, true);
    let saved = 1.0 - trimmed.len() as f64 / plain.len() as f64;
    let (plain_psnr, trimmed_psnr) = (
        luma_psnr(&photo, &decode(&plain).0),
        luma_psnr(&photo, &decode(&trimmed).0),
    );
    assert!(
        saved > 0.005,
        "trimmed {} bytes against {}: {:.2} % saved",
        trimmed.len(),
        plain.len(),
        saved * 100.0
    );
    assert!(
        plain_psnr - trimmed_psnr < 0.02,
        "luma PSNR {trimmed_psnr:.4} dB trimmed against {plain_psnr:.4} dB"
    );
}

#[test]
fn photolift_writes_the_trimmed_jpeg() {
    // The same pixels as a PNG, which photolift encodes as they are.
    let (photo, width, height) = photo();
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_raw(u32::from(width), u32::from(height), photo.clone())
        .expect("pixels")
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("PNG");
    let Ok(Conversion::Converted(jpeg)) = convert(png.get_ref(), &ConvertOptions::default()) else {
        panic!("the PNG converts");
    };
    let trimmed = encode(&photo, width, height, true);
    let plain = encode(&photo, width, height, false);
    assert_ne!(scan(&trimmed), scan(&plain));
    assert_eq!(
        scan(&jpeg.bytes),
        scan(&trimmed),
        "photolift's JPEG is the trimmed one"
    );
}
