//! photolift patch: the decoded YCbCr 4:2:0 planes of a primary image, for a transcoder that
//! writes them to a JPEG as they are (a JPEG stores YCbCr 4:2:0 too). Only for the pictures whose
//! samples mean what a JPEG's mean up to a scale per plane: 4:2:0 (or 4:2:2, its chroma halved
//! vertically as a JPEG encoder halves it), BT.601 matrix (or unspecified, which heifer reads as
//! BT.601), full or limited range and 8 bits or more (each sample mapped to the JPEG's 8-bit full
//! range as the RGB way maps it, [`JpegSamples`]), no alpha plane, and crops and turns that keep
//! each chroma sample on its 2×2 block of luma. Anything else gives `None`, and the caller goes
//! through RGB.

use heifer_isobmff::boxes::{ColorInfo, Property};
use heifer_isobmff::{HeifFile, ItemId};

use crate::{Error, Options, check_size, decode_hvc1_frame, primary_image_id};
use heifer_hevc_dec::recon::Frame;

/// One 8-bit plane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plane {
    /// Width in samples.
    pub width: u32,
    /// Height in samples.
    pub height: u32,
    /// Samples, row-major.
    pub data: Vec<u8>,
}

impl Plane {
    fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            data: vec![0; width as usize * height as usize],
        }
    }

    fn crop(&self, left: u32, top: u32, width: u32, height: u32) -> Self {
        let mut out = Self::new(width, height);
        for y in 0..height as usize {
            let from = (top as usize + y) * self.width as usize + left as usize;
            out.data[y * width as usize..(y + 1) * width as usize]
                .copy_from_slice(&self.data[from..from + width as usize]);
        }
        out
    }

    /// Rotated by `quarters` × 90° counter-clockwise, as `irot` says.
    fn rotate_ccw(&self, quarters: u8) -> Self {
        let (w, h) = (self.width as usize, self.height as usize);
        let q = quarters % 4;
        if q == 0 {
            return self.clone();
        }
        let (ow, oh) = if q % 2 == 1 { (h, w) } else { (w, h) };
        let mut out = Self::new(ow as u32, oh as u32);
        for y in 0..h {
            let row = &self.data[y * w..(y + 1) * w];
            for (x, &v) in row.iter().enumerate() {
                let (nx, ny) = match q {
                    1 => (y, w - 1 - x),
                    2 => (w - 1 - x, h - 1 - y),
                    _ => (h - 1 - y, x),
                };
                out.data[ny * ow + nx] = v;
            }
        }
        out
    }

    /// Mirrored as `imir` says: `top_bottom` about the horizontal axis, else the vertical one.
    fn mirror(&self, top_bottom: bool) -> Self {
        let w = self.width as usize;
        let mut out = self.clone();
        if top_bottom {
            for (dst, src) in out
                .data
                .chunks_exact_mut(w)
                .zip(self.data.chunks_exact(w).rev())
            {
                dst.copy_from_slice(src);
            }
        } else {
            for row in out.data.chunks_exact_mut(w) {
                row.reverse();
            }
        }
        out
    }
}

/// An upright picture as YCbCr 4:2:0: full-size luma, chroma of ⌈w/2⌉×⌈h/2⌉, the chroma sample
/// of each 2×2 block of luma standing for that block (as in a JPEG).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YCbCr420 {
    /// Luma.
    pub y: Plane,
    /// Blue-difference chroma.
    pub cb: Plane,
    /// Red-difference chroma.
    pub cr: Plane,
}

impl YCbCr420 {
    /// Width of the picture in pixels.
    pub fn width(&self) -> u32 {
        self.y.width
    }

    /// Height of the picture in pixels.
    pub fn height(&self) -> u32 {
        self.y.height
    }

    fn map(&self, f: impl Fn(&Plane) -> Plane) -> Self {
        Self {
            y: f(&self.y),
            cb: f(&self.cb),
            cr: f(&self.cr),
        }
    }
}

/// The primary image's planes when they can go to a JPEG as they are (see the module), else
/// `None`. Errors are the decoder's: a file that fails here fails the RGB way too.
pub fn decode_ycbcr420(bytes: &[u8], options: &Options) -> Result<Option<YCbCr420>, Error> {
    let file = HeifFile::parse(bytes)?;
    let id = primary_image_id(&file);
    if has_alpha(&file, id)? {
        return Ok(None);
    }
    let item_type = file.item(id)?.item_type.0;
    let Some(mut picture) = (match &item_type {
        b"hvc1" => decode_coded(&file, id, options)?,
        b"grid" => decode_grid(&file, id, options)?,
        _ => None,
    }) else {
        return Ok(None);
    };
    for property in file.item_properties(id)? {
        match *property {
            Property::CleanAperture {
                width,
                height,
                horiz_offset,
                vert_offset,
            } => {
                if width.1 == 0 || height.1 == 0 || horiz_offset.1 == 0 || vert_offset.1 == 0 {
                    return Err(Error::Invalid("clap with a zero denominator"));
                }
                // The same rectangle as heifer's `clean_aperture`.
                let (iw, ih) = (picture.width(), picture.height());
                let cw = f64::from(width.0) / f64::from(width.1);
                let ch = f64::from(height.0) / f64::from(height.1);
                let cx = f64::from(horiz_offset.0) / f64::from(horiz_offset.1)
                    + (f64::from(iw) - 1.0) / 2.0;
                let cy = f64::from(vert_offset.0) / f64::from(vert_offset.1)
                    + (f64::from(ih) - 1.0) / 2.0;
                let left = (cx - (cw - 1.0) / 2.0).round().max(0.0) as u32;
                let top = (cy - (ch - 1.0) / 2.0).round().max(0.0) as u32;
                let (w, h) = (
                    (cw.round() as u32).min(iw.saturating_sub(left)),
                    (ch.round() as u32).min(ih.saturating_sub(top)),
                );
                if left % 2 != 0 || top % 2 != 0 || w == 0 || h == 0 {
                    return Ok(None);
                }
                picture = YCbCr420 {
                    y: picture.y.crop(left, top, w, h),
                    cb: picture
                        .cb
                        .crop(left / 2, top / 2, w.div_ceil(2), h.div_ceil(2)),
                    cr: picture
                        .cr
                        .crop(left / 2, top / 2, w.div_ceil(2), h.div_ceil(2)),
                };
            }
            Property::Rotation(0) => {}
            // A turn reverses a side; its 2×2 blocks stay whole only when that side is even.
            Property::Rotation(q) => {
                if picture.width() % 2 != 0 || picture.height() % 2 != 0 {
                    return Ok(None);
                }
                picture = picture.map(|p| p.rotate_ccw(q));
            }
            Property::Mirror(top_bottom) => {
                let side = if top_bottom {
                    picture.height()
                } else {
                    picture.width()
                };
                if side % 2 != 0 {
                    return Ok(None);
                }
                picture = picture.map(|p| p.mirror(top_bottom));
            }
            _ => {}
        }
    }
    Ok(Some(picture))
}

fn has_alpha(file: &HeifFile<'_>, id: ItemId) -> Result<bool, Error> {
    for aux in file.referencing_items(id, b"auxl") {
        if crate::is_alpha_item(file, aux)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The `nclx` matrix and range of an item, if it has one.
fn nclx_matrix(file: &HeifFile<'_>, id: ItemId) -> Result<Option<(u16, bool)>, Error> {
    Ok(file.item_properties(id)?.find_map(|p| match p {
        Property::Color(ColorInfo::Nclx {
            matrix, full_range, ..
        }) => Some((*matrix, *full_range)),
        _ => None,
    }))
}

/// The range of a decoded frame's samples (`Some(full_range)`) when they can become a JPEG's
/// plane by plane: 4:2:0 or 4:2:2, BT.601 (5, 6) or unspecified (2, read as BT.601 by heifer)
/// matrix, range from the item's `nclx`, else the stream's, 8 bits or more with luma and chroma
/// alike. The samples are mapped to a JPEG's by [`JpegSamples`]; 4:2:2 chroma is halved
/// vertically ([`chroma_row`]).
fn jpeg_range(frame: &Frame, nclx: Option<(u16, bool)>) -> Option<bool> {
    let (matrix, full_range) = nclx.unwrap_or((u16::from(frame.matrix_coeffs), frame.full_range));
    (frame.bit_depth[0] == frame.bit_depth[1]
        && (8..=16).contains(&frame.bit_depth[0])
        && matches!(frame.chroma_format, 1 | 2)
        && matches!(matrix, 2 | 5 | 6))
    .then_some(full_range)
}

/// Whether an item is a plain coded image: no alpha, no transform of its own.
fn is_plain(file: &HeifFile<'_>, id: ItemId) -> Result<bool, Error> {
    Ok(file.item(id)?.item_type.0 == *b"hvc1"
        && !has_alpha(file, id)?
        && !file.item_properties(id)?.any(|p| {
            matches!(
                p,
                Property::CleanAperture { .. } | Property::Rotation(_) | Property::Mirror(_)
            )
        }))
}

/// A plane's decoded samples as a JPEG's (8 bits, full range), as the RGB way maps them: luma
/// `(v − black) · 255 / span`, chroma `128 + (v − middle) · 255 / span`, each rounded once and
/// kept in 0..=255, where black and span are the range's (full: 0 and `2^depth − 1`; limited:
/// 16 and 219 for luma, 224 for chroma, times `2^(depth − 8)`). A YCbCr → RGB → YCbCr round trip
/// gives the same up to its roundings: both matrices are BT.601's. 8-bit full-range samples are
/// kept as they are; others are looked up in a table made once for luma and once for chroma (a
/// division per sample costs more than the rest of the copy).
struct JpegSamples {
    depth: u8,
    full_range: bool,
    /// The JPEG's sample for each decoded one; empty for 8-bit full-range planes.
    table: Vec<u8>,
}

impl JpegSamples {
    fn new(frame: &Frame, plane: usize, full_range: bool) -> Self {
        Self::of(
            frame.bit_depth[usize::from(plane > 0)],
            full_range,
            plane > 0,
        )
    }

    fn of(depth: u8, full_range: bool, chroma: bool) -> Self {
        let table = if depth == 8 && full_range {
            Vec::new()
        } else {
            (0..1u32 << depth)
                .map(|s| to_jpeg(depth, full_range, chroma, s))
                .collect()
        };
        Self {
            depth,
            full_range,
            table,
        }
    }

    /// `last` when it maps this plane's samples, else a new map.
    fn for_plane(last: Option<Self>, frame: &Frame, plane: usize, full_range: bool) -> Self {
        match last {
            Some(map)
                if map.depth == frame.bit_depth[usize::from(plane > 0)]
                    && map.full_range == full_range =>
            {
                map
            }
            _ => Self::new(frame, plane, full_range),
        }
    }

    #[inline]
    fn sample(&self, s: u16) -> u8 {
        if self.table.is_empty() {
            return s as u8;
        }
        // A sample above the depth's maximum (none is decoded) maps above 255.
        self.table.get(usize::from(s)).copied().unwrap_or(255)
    }
}

/// The JPEG sample for decoded sample `s` (see [`JpegSamples`]).
fn to_jpeg(depth: u8, full_range: bool, chroma: bool, s: u32) -> u8 {
    let unit = 1i64 << (depth - 8);
    let (black, span) = match (full_range, chroma) {
        (true, false) => (0, (1i64 << depth) - 1),
        (true, true) => (1i64 << (depth - 1), (1i64 << depth) - 1),
        (false, false) => (16 * unit, 219 * unit),
        (false, true) => (1i64 << (depth - 1), 224 * unit),
    };
    // round(v · 255 / span), for a signed v.
    let n = 2 * (i64::from(s) - black) * 255;
    let scaled = if n >= 0 {
        (n + span) / (2 * span)
    } else {
        -((-n + span) / (2 * span))
    };
    let v = if chroma { 128 + scaled } else { scaled };
    v.clamp(0, 255) as u8
}

/// Row `r` of a 4:2:0 chroma plane, from plane `c` of `frame`, into `out`: the frame's row `r`
/// (4:2:0), or (4:2:2, whose chroma has every row) the mean of rows `2r` and `2r + 1`, as a JPEG
/// encoder halves chroma: rounded down on even columns and up on odd ones, and the picture's
/// last row (`rows`, the rows of the picture in that plane) standing in for a missing one.
fn chroma_row(frame: &Frame, c: usize, r: usize, rows: usize, map: &JpegSamples, out: &mut [u8]) {
    let (stride, width) = (frame.widths[c] as usize, out.len());
    let row = |i: usize| &frame.planes[c][i * stride..i * stride + width];
    if frame.chroma_format == 1 {
        for (d, &s) in out.iter_mut().zip(row(r)) {
            *d = map.sample(s);
        }
        return;
    }
    let last = rows.max(1) - 1;
    let (top, bottom) = (row((2 * r).min(last)), row((2 * r + 1).min(last)));
    for (x, ((d, &a), &b)) in out.iter_mut().zip(top).zip(bottom).enumerate() {
        let sum = u16::from(map.sample(a)) + u16::from(map.sample(b)) + (x as u16 & 1);
        *d = (sum >> 1) as u8;
    }
}

fn to_u8(decoded: &[u16], stride: usize, width: u32, height: u32, map: &JpegSamples) -> Plane {
    let mut plane = Plane::new(width, height);
    for (dst, src) in plane
        .data
        .chunks_exact_mut(width as usize)
        .zip(decoded.chunks(stride))
    {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = map.sample(s);
        }
    }
    plane
}

fn decode_coded(
    file: &HeifFile<'_>,
    id: ItemId,
    options: &Options,
) -> Result<Option<YCbCr420>, Error> {
    let frame = decode_hvc1_frame(file, id, options)?;
    let Some(full_range) = jpeg_range(&frame, nclx_matrix(file, id)?) else {
        return Ok(None);
    };
    // `ispe` is authoritative; HEVC may code a slightly larger picture.
    let (w, h) = file
        .image_size(id)?
        .unwrap_or((frame.widths[0], frame.heights[0]));
    let (w, h) = (w.min(frame.widths[0]), h.min(frame.heights[0]));
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    // The picture's rows in a chroma plane: half of them in 4:2:0, all in 4:2:2.
    let chroma_rows = if frame.chroma_format == 1 { ch } else { h };
    if cw > frame.widths[1] || chroma_rows > frame.heights[1] {
        return Ok(None);
    }
    // Cb and Cr share one map: same depth, same range.
    let chroma_map = JpegSamples::new(&frame, 1, full_range);
    let chroma = |c: usize| {
        let mut plane = Plane::new(cw, ch);
        for (r, out) in plane.data.chunks_exact_mut(cw as usize).enumerate() {
            chroma_row(&frame, c, r, chroma_rows as usize, &chroma_map, out);
        }
        plane
    };
    Ok(Some(YCbCr420 {
        y: to_u8(
            &frame.planes[0],
            frame.widths[0] as usize,
            w,
            h,
            &JpegSamples::new(&frame, 0, full_range),
        ),
        cb: chroma(1),
        cr: chroma(2),
    }))
}

fn decode_grid(
    file: &HeifFile<'_>,
    id: ItemId,
    options: &Options,
) -> Result<Option<YCbCr420>, Error> {
    let grid = file.grid(id)?;
    let tiles = file.referenced_items(id, b"dimg");
    if tiles.is_empty() || tiles.len() != usize::from(grid.rows) * usize::from(grid.columns) {
        return Ok(None);
    }
    for &tile in tiles {
        if !is_plain(file, tile)? {
            return Ok(None);
        }
    }
    check_size(grid.output_width, grid.output_height, options.max_pixels())?;
    let Some((tw, th)) = file.image_size(tiles[0])? else {
        return Ok(None);
    };
    // Tiles start on even columns and rows only when their size is even.
    if tw == 0 || th == 0 || tw % 2 != 0 || th % 2 != 0 {
        return Ok(None);
    }
    let (w, h) = (grid.output_width, grid.output_height);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut picture = YCbCr420 {
        y: Plane::new(w, h),
        cb: Plane::new(cw, ch),
        cr: Plane::new(cw, ch),
    };
    let columns = u32::from(grid.columns);
    // The luma and the chroma sample maps (Cb and Cr share one), kept from tile to tile.
    let mut maps: [Option<JpegSamples>; 2] = [None, None];
    for (i, &tile) in tiles.iter().enumerate() {
        let (x0, y0) = (
            u64::from(i as u32 % columns) * u64::from(tw),
            u64::from(i as u32 / columns) * u64::from(th),
        );
        if x0 >= u64::from(w) || y0 >= u64::from(h) {
            continue;
        }
        let (x0, y0) = (x0 as u32, y0 as u32);
        let frame = decode_hvc1_frame(file, tile, options)?;
        let Some(full_range) =
            jpeg_range(&frame, nclx_matrix(file, tile)?.or(nclx_matrix(file, id)?))
        else {
            return Ok(None);
        };
        if frame.widths[0] < tw || frame.heights[0] < th {
            return Ok(None);
        }
        for (c, plane) in [&mut picture.y, &mut picture.cb, &mut picture.cr]
            .into_iter()
            .enumerate()
        {
            let shift = u32::from(c > 0);
            let (px, py) = (x0 >> shift, y0 >> shift);
            let copy_w = ((tw >> shift).min(plane.width - px)) as usize;
            let copy_h = (th >> shift).min(plane.height - py) as usize;
            // The tile's rows inside the picture, in this plane (4:2:2 chroma has every row).
            let rows = if c > 0 && frame.chroma_format == 1 {
                copy_h
            } else {
                th.min(h - y0) as usize
            };
            let stride = frame.widths[c] as usize;
            if copy_w > stride || rows > frame.heights[c] as usize {
                return Ok(None);
            }
            let kind = usize::from(c > 0);
            let map = JpegSamples::for_plane(maps[kind].take(), &frame, c, full_range);
            for y in 0..copy_h {
                let at = (py as usize + y) * plane.width as usize + px as usize;
                let out = &mut plane.data[at..at + copy_w];
                if c > 0 {
                    chroma_row(&frame, c, y, rows, &map, out);
                    continue;
                }
                let src = &frame.planes[c][y * stride..y * stride + copy_w];
                for (d, &s) in out.iter_mut().zip(src) {
                    *d = map.sample(s);
                }
            }
            maps[kind] = Some(map);
        }
    }
    Ok(Some(picture))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(width: u32, height: u32) -> Plane {
        Plane {
            width,
            height,
            data: (0..width * height).map(|v| v as u8).collect(),
        }
    }

    #[test]
    fn deeper_samples_scale_to_eight_bits_as_rgb_does() {
        let (luma, chroma) = (
            JpegSamples::of(10, true, false),
            JpegSamples::of(10, true, true),
        );
        for v in 0..1024u16 {
            let want = (f64::from(v) * 255.0 / 1023.0).round() as u8;
            assert_eq!(luma.sample(v), want, "luma {v}");
            let want = (128.0 + (f64::from(v) - 512.0) * 255.0 / 1023.0)
                .round()
                .clamp(0.0, 255.0) as u8;
            assert_eq!(chroma.sample(v), want, "chroma {v}");
        }
        let eight = JpegSamples::of(8, true, true);
        assert!(eight.table.is_empty());
        assert!((0..=255u16).all(|v| eight.sample(v) == v as u8));
    }

    #[test]
    fn limited_range_samples_stretch_to_the_full_range() {
        let (luma, chroma) = (
            JpegSamples::of(8, false, false),
            JpegSamples::of(8, false, true),
        );
        // Black and white of the range, and what lies outside it, clamped.
        assert_eq!(
            [0, 16, 126, 235, 255].map(|v| luma.sample(v)),
            [0, 0, 128, 255, 255]
        );
        assert_eq!(
            [0, 16, 128, 240, 255].map(|v| chroma.sample(v)),
            [0, 0, 128, 255, 255]
        );
        let ten = JpegSamples::of(10, false, false);
        assert_eq!([64, 504, 940].map(|v| ten.sample(v)), [0, 128, 255]);
    }

    /// Every mapping gives what a JPEG encoder makes of heifer's RGB pixel (BT.601, full
    /// range), within one for its roundings, wherever that pixel is not clipped.
    #[test]
    fn every_range_and_depth_maps_as_through_rgb() {
        use crate::color::{ColorParams, frame_to_rgba};
        for (depth, full_range) in [(8, true), (8, false), (10, true), (10, false), (12, false)] {
            let maps: [JpegSamples; 3] =
                std::array::from_fn(|c| JpegSamples::of(depth, full_range, c > 0));
            let top = 1u16 << depth;
            let mut checked = 0;
            for y in (0..top).step_by(usize::from(top / 64)) {
                for cb in (0..top).step_by(usize::from(top / 16)) {
                    for cr in (0..top).step_by(usize::from(top / 16)) {
                        let frame = Frame {
                            widths: [2, 1, 1],
                            heights: [2, 1, 1],
                            planes: [vec![y; 4], vec![cb], vec![cr]],
                            bit_depth: [depth, depth],
                            chroma_format: 1,
                            full_range,
                            matrix_coeffs: 6,
                        };
                        let rgba = frame_to_rgba(
                            &frame,
                            ColorParams {
                                matrix: 6,
                                full_range,
                            },
                        );
                        let max = f64::from(top - 1);
                        let [r, g, b] = [0, 1, 2].map(|i| f64::from(rgba.data[i]) * 255.0 / max);
                        if [r, g, b].iter().any(|&v| v <= 0.0 || v >= 255.0) {
                            continue;
                        }
                        let want = [
                            0.299 * r + 0.587 * g + 0.114 * b,
                            128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b,
                            128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b,
                        ];
                        for ((map, v), want) in maps.iter().zip([y, cb, cr]).zip(want) {
                            let got = f64::from(map.sample(v));
                            assert!(
                                (got - want).abs() <= 1.0,
                                "{depth} bits, full range {full_range}: ({y}, {cb}, {cr}) gives \
                                 {got}, through RGB {want:.2}"
                            );
                        }
                        checked += 1;
                    }
                }
            }
            assert!(
                checked > 1000,
                "{depth} bits: only {checked} pixels in gamut"
            );
        }
    }

    #[test]
    fn chroma_of_4_2_2_is_halved_vertically_as_a_jpeg_encoder_does() {
        // A 4×3 picture in 4:2:2: chroma 2 wide and 3 tall.
        let frame = Frame {
            widths: [4, 2, 2],
            heights: [3, 3, 3],
            planes: [vec![0; 12], vec![10, 20, 13, 25, 7, 9], vec![0; 6]],
            bit_depth: [8, 8],
            chroma_format: 2,
            full_range: true,
            matrix_coeffs: 5,
        };
        let map = JpegSamples::new(&frame, 1, true);
        let mut row = [0u8; 2];
        // Rows 0 and 1: (10 + 13) / 2 rounded down on the even column, (20 + 25) / 2 up on the odd.
        chroma_row(&frame, 1, 0, 3, &map, &mut row);
        assert_eq!(row, [11, 23]);
        // Row 2 is the picture's last: it stands in for the missing fourth.
        chroma_row(&frame, 1, 1, 3, &map, &mut row);
        assert_eq!(row, [7, 9]);
        // 4:2:0 chroma rows are taken as they are.
        let frame = Frame {
            chroma_format: 1,
            ..frame
        };
        chroma_row(&frame, 1, 1, 3, &map, &mut row);
        assert_eq!(row, [13, 25]);
    }

    #[test]
    fn turns_and_mirrors_like_the_rgb_image() {
        let p = plane(4, 2); // 0 1 2 3 / 4 5 6 7
        assert_eq!(p.rotate_ccw(1).data, vec![3, 7, 2, 6, 1, 5, 0, 4]);
        assert_eq!(p.rotate_ccw(2).data, vec![7, 6, 5, 4, 3, 2, 1, 0]);
        assert_eq!(p.rotate_ccw(3).data, vec![4, 0, 5, 1, 6, 2, 7, 3]);
        assert_eq!(p.mirror(true).data, vec![4, 5, 6, 7, 0, 1, 2, 3]);
        assert_eq!(p.mirror(false).data, vec![3, 2, 1, 0, 7, 6, 5, 4]);
        assert_eq!(p.crop(1, 1, 2, 1).data, vec![5, 6]);
    }
}
