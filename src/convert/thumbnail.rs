//! A converted photo's row thumbnail, made from the pixels the conversion already holds: the
//! panel showed one by having the browser decode the whole JPEG again, about 100 ms of a core for
//! a 12 MP photo (docs/SPEED.md, step 19), taken from the cores that convert.

use super::decode::Pixels;
use super::jpeg::encode_jpeg;
use super::metadata::OutputMetadata;

/// Side of the square thumbnail in pixels: the panel's rows show it at 40 CSS pixels, sharp on
/// screens of twice that density.
pub const THUMBNAIL_EDGE: u32 = 80;

/// The largest colour profile a thumbnail carries. Profiles are usually a few hundred bytes
/// (Display P3: 536) to a few KB, but some editors embed ones of hundreds of KB, which in every
/// row's thumbnail of a large upload would outweigh the pictures many times over; such a
/// thumbnail goes without, and the row shows its pixels as sRGB.
const MAX_PROFILE_BYTES: usize = 16 * 1024;

/// Quality of the thumbnail JPEG, as the panel made them before (`toDataURL` at 0.7).
const THUMBNAIL_QUALITY: u8 = 70;

/// The row thumbnail of an upright `width`×`height` picture: `thumbnail_rgb`'s square as a JPEG
/// carrying the photo's colour profile (`icc`, within `MAX_PROFILE_BYTES`), so the panel shows
/// it in the photo's colours. `None` if it cannot be encoded: the row then keeps its placeholder,
/// which is no reason to fail the photo.
pub(crate) fn row_thumbnail(
    pixels: &Pixels,
    width: u32,
    height: u32,
    icc: Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    let rgb = Pixels::Rgb(thumbnail_rgb(pixels, width, height));
    let metadata = OutputMetadata {
        icc: thumbnail_profile(icc),
        ..OutputMetadata::default()
    };
    encode_jpeg(
        &rgb,
        THUMBNAIL_EDGE,
        THUMBNAIL_EDGE,
        THUMBNAIL_QUALITY,
        &metadata,
    )
    .ok()
}

/// The photo's colour profile, for its thumbnail: none when it is larger than `MAX_PROFILE_BYTES`.
fn thumbnail_profile(icc: Option<Vec<u8>>) -> Option<Vec<u8>> {
    icc.filter(|icc| icc.len() <= MAX_PROFILE_BYTES)
}

/// Samples averaged per thumbnail pixel along each axis: enough to smooth a photo's detail away
/// (a thumbnail pixel of a 12 MP photo covers 38×38 of its pixels) at a negligible cost.
const GRID: u64 = 4;

/// The centre square of an upright `width`×`height` picture (photo grids crop the same way),
/// scaled to `THUMBNAIL_EDGE` square, as packed 8-bit RGB in the picture's own colour space: each
/// pixel the mean of a `GRID`×`GRID` lattice of samples spread over its part of the square.
fn thumbnail_rgb(pixels: &Pixels, width: u32, height: u32) -> Vec<u8> {
    let edge = u64::from(THUMBNAIL_EDGE);
    let side = u64::from(width.min(height));
    let (left, top) = (
        (u64::from(width) - side) / 2,
        (u64::from(height) - side) / 2,
    );
    // The source column (row) of each lattice point, `o * GRID + k` for point `k` of thumbnail
    // column (row) `o`: the centre of the point's share of the square.
    let lattice = |start: u64| -> Vec<usize> {
        (0..edge * GRID)
            .map(|i| (start + ((2 * i + 1) * side) / (2 * edge * GRID)) as usize)
            .collect()
    };
    let (columns, rows) = (lattice(left), lattice(top));
    let mut out = Vec::with_capacity((edge * edge * 3) as usize);
    for oy in 0..edge {
        for ox in 0..edge {
            let mut sum = [0u32; 3];
            for ky in 0..GRID {
                let y = rows[(oy * GRID + ky) as usize];
                for kx in 0..GRID {
                    let x = columns[(ox * GRID + kx) as usize];
                    // RGB, or YCbCr averaged as it is and turned into RGB once per pixel (the
                    // conversion is linear, so the mean's colour is the colours' mean).
                    let sample = match pixels {
                        Pixels::Rgb(rgb) => {
                            let i = (y * width as usize + x) * 3;
                            [rgb[i], rgb[i + 1], rgb[i + 2]]
                        }
                        Pixels::YCbCr420(planes) => {
                            let chroma = (y / 2) * planes.cb.width as usize + x / 2;
                            [
                                planes.y.data[y * planes.y.width as usize + x],
                                planes.cb.data[chroma],
                                planes.cr.data[chroma],
                            ]
                        }
                    };
                    for (s, v) in sum.iter_mut().zip(sample) {
                        *s += u32::from(v);
                    }
                }
            }
            let count = (GRID * GRID) as u32;
            match pixels {
                Pixels::Rgb(_) => out.extend(sum.map(|s| ((s + count / 2) / count) as u8)),
                Pixels::YCbCr420(_) => out.extend(rgb_of(sum.map(|s| s as f32 / count as f32))),
            }
        }
    }
    out
}

/// A JPEG's YCbCr (full-range BT.601, what the decoded planes hold) as RGB.
fn rgb_of([y, cb, cr]: [f32; 3]) -> [u8; 3] {
    let (cb, cr) = (cb - 128.0, cr - 128.0);
    let channel = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    [
        channel(y + 1.402 * cr),
        channel(y - 0.344_136 * cb - 0.714_136 * cr),
        channel(y + 1.772 * cb),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `width`×`height` RGB picture whose pixel is `colour(x, y)`.
    fn picture(width: u32, height: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> Pixels {
        let mut rgb = Vec::new();
        for y in 0..height {
            for x in 0..width {
                rgb.extend(colour(x, y));
            }
        }
        Pixels::Rgb(rgb)
    }

    fn pixel(thumbnail: &[u8], x: u32, y: u32) -> [u8; 3] {
        let i = ((y * THUMBNAIL_EDGE + x) * 3) as usize;
        [thumbnail[i], thumbnail[i + 1], thumbnail[i + 2]]
    }

    #[test]
    fn carries_a_usual_profile_but_not_a_huge_one() {
        assert_eq!(thumbnail_profile(Some(vec![1; 536])), Some(vec![1; 536]));
        assert_eq!(
            thumbnail_profile(Some(vec![1; MAX_PROFILE_BYTES + 1])),
            None
        );
        assert_eq!(thumbnail_profile(None), None);
    }

    #[test]
    fn crops_the_centre_square_of_a_landscape_photo() {
        // 400×200: red left quarter, blue right quarter, green between; the centre square
        // (x 100..300) is all green.
        let pixels = picture(400, 200, |x, _| match x {
            0..100 => [255, 0, 0],
            300.. => [0, 0, 255],
            _ => [0, 255, 0],
        });
        let thumbnail = thumbnail_rgb(&pixels, 400, 200);
        assert_eq!(
            thumbnail.len(),
            (THUMBNAIL_EDGE * THUMBNAIL_EDGE * 3) as usize
        );
        for (x, y) in [(0, 0), (79, 0), (0, 79), (79, 79), (40, 40)] {
            assert_eq!(pixel(&thumbnail, x, y), [0, 255, 0], "at {x},{y}");
        }
    }

    #[test]
    fn keeps_which_way_is_up_and_averages_detail() {
        // 160×320 portrait: a black top half and a white bottom half of the centre square
        // (rows 80..240), in one-pixel stripes of two greys on the left half.
        let pixels = picture(160, 320, |x, y| match (y < 160, x < 80) {
            (true, _) => [0, 0, 0],
            (false, true) if x % 2 == 0 => [100, 100, 100],
            (false, true) => [200, 200, 200],
            (false, false) => [255, 255, 255],
        });
        let thumbnail = thumbnail_rgb(&pixels, 160, 320);
        assert_eq!(pixel(&thumbnail, 10, 10), [0, 0, 0]);
        assert_eq!(pixel(&thumbnail, 70, 70), [255, 255, 255]);
        assert_eq!(pixel(&thumbnail, 10, 70), [150, 150, 150]);
    }

    #[test]
    fn a_heic_s_planes_become_the_same_colours() {
        // Mid grey, and a JPEG's YCbCr of pure red (76, 85, 255).
        for ((y, cb, cr), rgb) in [
            ((128, 128, 128), [128, 128, 128]),
            ((76, 85, 255), [254, 0, 0]),
        ] {
            let plane = |value: u8, side: u32| heifer::Plane {
                width: side,
                height: side,
                data: vec![value; (side * side) as usize],
            };
            let planes = heifer::YCbCr420 {
                y: plane(y, 100),
                cb: plane(cb, 50),
                cr: plane(cr, 50),
            };
            let thumbnail = thumbnail_rgb(&Pixels::YCbCr420(planes), 100, 100);
            assert_eq!(pixel(&thumbnail, 40, 40), rgb);
        }
    }
}
