//! Encoder measurement, not a pass/fail test: run it explicitly with
//!
//! ```text
//! cargo test --release --test convert_encoders -- --ignored --nocapture
//! ENCODER_BENCH_FILES=a.heic,b.png cargo test --release --test convert_encoders -- --ignored --nocapture
//! ```
//!
//! For each photo (by default `pug.heic`, a 12 MP iPhone photo, and a 12 MP synthetic image of
//! gradients, edges and noise) it encodes the pixels photolift would encode with every
//! candidate setting of `jpeg-encoder` and prints size, encode time and PSNR (all channels and
//! luma) against those pixels, decoded back with zune-jpeg. Optimised Huffman tables are
//! lossless, so they change only the size (the PSNR is that of the same setting with standard
//! tables; zune-jpeg also misreads the non-interleaved scans jpeg-encoder writes with them, see
//! `src/convert/jpeg.rs`). The `image` crate's own JPEG encoder needs its `jpeg` feature, which
//! photolift does not enable (it would ship a JPEG decoder in the wasm for nothing).

use std::path::{Path, PathBuf};
use std::time::Instant;

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};
use photolift::convert::{decode_rgb8, ConvertOptions};

fn psnr(a: &[f64], b: &[f64]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / a.len() as f64;
    10.0 * (255.0f64 * 255.0 / mse).log10()
}

fn rgb_and_luma_psnr(a: &[u8], b: &[u8]) -> (f64, f64) {
    let all = |v: &[u8]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    let luma = |v: &[u8]| {
        v.chunks_exact(3)
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .collect::<Vec<_>>()
    };
    (psnr(&all(a), &all(b)), psnr(&luma(a), &luma(b)))
}

/// A 4000×3000 image with what photos have: smooth gradients, sharp colour edges, fine noise.
fn synthetic_12mp() -> (u32, u32, Vec<u8>) {
    let (w, h) = (4000u32, 3000u32);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed % 17) as i32 - 8;
            let band = ((x / 250 + y / 250) % 3) as i32;
            let base = [
                (x * 255 / w) as i32,
                (y * 255 / h) as i32,
                [40, 140, 230][band as usize],
            ];
            for c in base {
                rgb.push((c + noise).clamp(0, 255) as u8);
            }
        }
    }
    (w, h, rgb)
}

fn encode(
    rgb: &[u8],
    w: u32,
    h: u32,
    quality: u8,
    sampling: SamplingFactor,
    optimize: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(sampling);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder.set_optimized_huffman_tables(optimize);
    encoder
        .encode(rgb, w as u16, h as u16, ColorType::Rgb)
        .expect("encode");
    out
}

fn inputs() -> Vec<(String, u32, u32, Vec<u8>)> {
    let options = ConvertOptions::default();
    let from_file = |path: &Path| {
        let bytes = std::fs::read(path).expect("read input");
        let (w, h, rgb) = decode_rgb8(&bytes, &options).expect("decode input");
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        (name, w, h, rgb)
    };
    match std::env::var("ENCODER_BENCH_FILES") {
        Ok(list) => list.split(',').map(|p| from_file(Path::new(p))).collect(),
        Err(_) => {
            let pug =
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/heic/pug.heic");
            let (w, h, rgb) = synthetic_12mp();
            vec![from_file(&pug), ("synthetic 12 MP".into(), w, h, rgb)]
        }
    }
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn measure_jpeg_encoders() {
    let settings = [
        ("jpeg-encoder 4:2:0", SamplingFactor::F_2_2),
        ("jpeg-encoder 4:4:4", SamplingFactor::F_1_1),
    ];
    println!("| photo | encoder | q | size (KB) | size, optimised Huffman (KB) | encode (ms) | PSNR RGB (dB) | PSNR luma (dB) |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, w, h, rgb) in inputs() {
        for quality in [85u8, 88, 90, 92, 95] {
            for (label, sampling) in settings {
                // Best of three: the machine is shared.
                let mut best_ms = f64::MAX;
                let mut jpeg = Vec::new();
                for _ in 0..3 {
                    let start = Instant::now();
                    jpeg = encode(&rgb, w, h, quality, sampling, false);
                    best_ms = best_ms.min(start.elapsed().as_secs_f64() * 1000.0);
                }
                let optimized = encode(&rgb, w, h, quality, sampling, true);
                let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(&jpeg));
                let decoded = decoder.decode().expect("decode");
                let (db, luma_db) = rgb_and_luma_psnr(&rgb, &decoded);
                println!(
                    "| {name} ({w}×{h}) | {label} | {quality} | {} | {} | {best_ms:.0} | {db:.2} | {luma_db:.2} |",
                    jpeg.len() / 1024,
                    optimized.len() / 1024
                );
            }
        }
    }
}
