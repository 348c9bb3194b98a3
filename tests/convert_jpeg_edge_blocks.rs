//! A JPEG whose sides are not multiples of its 16-pixel MCUs codes blocks past the picture's edge,
//! which decoders drop. photolift's encoder (patched `jpeg-encoder`, PATCHES.md change 7) codes
//! each of them as libjpeg does, DC only, instead of as a block of the edge's repeated samples:
//! the same picture in fewer bytes (0.4–0.5 % of a 1025×900 photo, measured in docs/SPEED.md).

use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};

/// As `src/convert/jpeg.rs` sets the encoder up (quality 92, 4:2:0 by averaging, optimised tables).
fn encode(rgb: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(rgb, width, height, ColorType::Rgb)
        .expect("encode");
    out
}

fn decode(jpeg: &[u8]) -> Vec<u8> {
    zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg))
        .decode()
        .expect("decode")
}

/// A `width` × `height` picture that changes along every column (stripes and noise), so a
/// block made of its right edge repeated has AC coefficients.
fn striped(width: usize, height: usize) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let stripe = if (y / 3) % 2 == 0 { 200 } else { 40 };
            let noise = (seed % 21) as i32 - 10;
            rgb.extend(
                [
                    stripe + noise,
                    255 - stripe + noise,
                    (x * 30) as i32 + noise,
                ]
                .map(|v| v.clamp(0, 255) as u8),
            );
        }
    }
    rgb
}

/// `rgb` (`width` wide) with each row's last pixel repeated out to `wider`: what the encoder
/// fills the MCUs past the edge with.
fn padded(rgb: &[u8], width: usize, wider: usize) -> Vec<u8> {
    rgb.chunks_exact(width * 3)
        .flat_map(|row| {
            let last = &row[row.len() - 3..];
            row.iter()
                .copied()
                .chain((width..wider).flat_map(|_| last.iter().copied()))
        })
        .collect()
}

/// `rgb` (`width` wide) with its last row repeated out to `taller` rows.
fn padded_below(rgb: &[u8], width: usize, taller: usize) -> Vec<u8> {
    let last = rgb[rgb.len() - width * 3..].to_vec();
    let mut out = rgb.to_vec();
    while out.len() < taller * width * 3 {
        out.extend_from_slice(&last);
    }
    out
}

/// Encodes `rgb` (`width` × `height`) and the same picture padded by its edge to `padded`
/// (`padded_width` wide): the first must decode to the same pixels as the second's top left, in
/// at least 24 bytes less (what the blocks past the edge cost as repeated edge samples).
fn assert_edge_blocks_cost_less(
    rgb: &[u8],
    (width, height): (usize, usize),
    padded: &[u8],
    (padded_width, padded_height): (usize, usize),
) {
    let jpeg = encode(rgb, width as u16, height as u16);
    let padded_jpeg = encode(padded, padded_width as u16, padded_height as u16);
    let pixels = decode(&jpeg);
    let cropped: Vec<u8> = decode(&padded_jpeg)
        .chunks_exact(padded_width * 3)
        .take(height)
        .flat_map(|row| row[..width * 3].iter().copied())
        .collect();
    assert_eq!(pixels.len(), width * height * 3);
    assert!(
        pixels == cropped,
        "the picture's own blocks decode to the same pixels either way"
    );
    assert!(
        jpeg.len() + 24 < padded_jpeg.len(),
        "the {width}×{height} JPEG ({} bytes) should save what the blocks past its edge cost as \
         repeated edge samples (the {padded_width}×{padded_height} one: {} bytes)",
        jpeg.len(),
        padded_jpeg.len()
    );
}

#[test]
fn blocks_below_the_edge_cost_less_than_the_repeated_edge_and_change_no_pixel() {
    // 48 × 40: the third MCU row holds one block row of the picture and one below it.
    let rgb = striped(48, 40);
    assert_edge_blocks_cost_less(&rgb, (48, 40), &padded_below(&rgb, 48, 48), (48, 48));
}

#[test]
fn blocks_past_the_edge_cost_less_than_the_repeated_edge_and_change_no_pixel() {
    // 40 × 48: three MCUs wide, of which the third holds one block of the picture and one past it.
    let rgb = striped(40, 48);
    assert_edge_blocks_cost_less(&rgb, (40, 48), &padded(&rgb, 40, 48), (48, 48));
}
