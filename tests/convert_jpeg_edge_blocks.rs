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

#[test]
fn blocks_below_the_edge_cost_less_than_the_repeated_edge_and_change_no_pixel() {
    // 48 × 40: the third MCU row holds one block row of the picture and one below it.
    let (width, height) = (48usize, 40usize);
    let rgb = striped(width, height);
    let jpeg = encode(&rgb, width as u16, height as u16);
    let tall_jpeg = encode(&padded_below(&rgb, width, 48), width as u16, 48);
    let pixels = decode(&jpeg);
    assert_eq!(pixels.len(), width * height * 3);
    assert!(
        pixels[..] == decode(&tall_jpeg)[..width * height * 3],
        "the picture's own blocks decode to the same pixels either way"
    );
    assert!(
        jpeg.len() + 24 < tall_jpeg.len(),
        "{} bytes against {} for the picture padded by its last row",
        jpeg.len(),
        tall_jpeg.len()
    );
}

#[test]
fn blocks_past_the_edge_cost_less_than_the_repeated_edge_and_change_no_pixel() {
    // 40 × 48: three MCUs wide, of which the third holds one block of the picture and one past it.
    let (width, height) = (40usize, 48usize);
    let rgb = striped(width, height);
    let jpeg = encode(&rgb, width as u16, height as u16);
    // The same picture padded to 48 wide by its edge: each of its blocks is coded for real.
    let wide = padded(&rgb, width, 48);
    let wide_jpeg = encode(&wide, 48, height as u16);

    let pixels = decode(&jpeg);
    let wide_pixels = decode(&wide_jpeg);
    let cropped: Vec<u8> = wide_pixels
        .chunks_exact(48 * 3)
        .flat_map(|row| row[..width * 3].iter().copied())
        .collect();
    assert_eq!(pixels.len(), width * height * 3);
    assert!(
        pixels == cropped,
        "the picture's own blocks decode to the same pixels either way"
    );
    assert!(
        jpeg.len() + 24 < wide_jpeg.len(),
        "the {width}-pixel-wide JPEG ({} bytes) should save what the six blocks past its edge \
         cost as repeated edge samples (the padded one: {} bytes)",
        jpeg.len(),
        wide_jpeg.len()
    );
}
