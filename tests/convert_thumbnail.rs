//! Every converted photo brings its row thumbnail: an 80-pixel square JPEG of the photo's centre,
//! upright, in the photo's colours and with its colour profile, made from the pixels the
//! conversion decoded (so the panel need not decode the whole JPEG again). Checked against the
//! converted JPEG itself, read by an independent decoder: each 20×20 cell of the thumbnail has the
//! mean colour of its part of the JPEG's centre square.

use std::path::PathBuf;

use photolift::convert::{convert, Conversion, ConvertOptions, Jpeg, THUMBNAIL_EDGE};

mod common;
use common::reference::{jpeg_picture, Picture};

fn corpus(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(path)
}

fn converted(path: &str) -> Jpeg {
    let bytes = std::fs::read(corpus(path)).expect("corpus file");
    let options = ConvertOptions {
        row_thumbnail: true,
        ..ConvertOptions::default()
    };
    match convert(&bytes, &options).expect("converts") {
        Conversion::Converted(jpeg) => jpeg,
        Conversion::Unchanged { .. } => panic!("{path}: not converted"),
    }
}

/// Mean RGB of each of the `cells`×`cells` parts of `picture`'s centre square.
fn cell_means(picture: &Picture, cells: u32) -> Vec<[f64; 3]> {
    let side = picture.width.min(picture.height);
    let (left, top) = ((picture.width - side) / 2, (picture.height - side) / 2);
    let mut means = Vec::new();
    for cy in 0..cells {
        for cx in 0..cells {
            let (x0, x1) = (left + cx * side / cells, left + (cx + 1) * side / cells);
            let (y0, y1) = (top + cy * side / cells, top + (cy + 1) * side / cells);
            let mut sum = [0f64; 3];
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = ((y * picture.width + x) * 3) as usize;
                    for (s, &v) in sum.iter_mut().zip(&picture.rgb[i..i + 3]) {
                        *s += f64::from(v);
                    }
                }
            }
            let count = f64::from((x1 - x0) * (y1 - y0));
            means.push(sum.map(|s| s / count));
        }
    }
    means
}

/// The thumbnail shows the JPEG's centre, cell by cell, and carries the JPEG's colour profile.
fn assert_thumbnail_of(path: &str) {
    let jpeg = converted(path);
    let thumbnail = jpeg
        .thumbnail
        .as_deref()
        .unwrap_or_else(|| panic!("{path}: no thumbnail"));
    let small = jpeg_picture(thumbnail);
    assert_eq!(
        (small.width, small.height),
        (THUMBNAIL_EDGE, THUMBNAIL_EDGE),
        "{path}: size"
    );
    let (expected, got) = (
        cell_means(&jpeg_picture(&jpeg.bytes), 4),
        cell_means(&small, 4),
    );
    for (cell, (e, g)) in expected.iter().zip(&got).enumerate() {
        for channel in 0..3 {
            let off = (e[channel] - g[channel]).abs();
            // The thumbnail averages a lattice of samples and is a JPEG at quality 70.
            assert!(
                off < 6.0,
                "{path}: cell {cell} channel {channel}: {g:?} against the photo's {e:?}"
            );
        }
    }
    let profile = |bytes: &[u8]| bytes.windows(12).any(|w| w == b"ICC_PROFILE\0");
    assert_eq!(
        profile(thumbnail),
        jpeg.kept.icc,
        "{path}: the thumbnail's colour profile"
    );
}

#[test]
fn only_when_asked() {
    let bytes = std::fs::read(corpus("heic/example.heic")).expect("corpus file");
    match convert(&bytes, &ConvertOptions::default()).expect("converts") {
        Conversion::Converted(jpeg) => {
            assert!(jpeg.thumbnail.is_none(), "a thumbnail nobody asked for")
        }
        Conversion::Unchanged { .. } => panic!("not converted"),
    }
}

#[test]
fn a_heic_transcoded_in_ycbcr() {
    // iPhone 13 Pro, Display P3: the planes go to the JPEG as they are.
    assert_thumbnail_of("heic/pug.heic");
}

#[test]
fn a_heic_turned_by_its_irot() {
    // Stored sideways, shown turned: the thumbnail is the photo as the phone shows it.
    assert_thumbnail_of("heic-world/orient_6_irot.heic");
    assert_thumbnail_of("heic-world/orient_5_irot_imir.heic");
}

#[test]
fn a_limited_range_grid() {
    assert_thumbnail_of("heic/example.heic");
}

#[test]
fn a_photo_converted_through_rgb() {
    // An alpha channel: flattened on white, through RGB.
    assert_thumbnail_of("heic/with-alpha-512x512.heic");
}
