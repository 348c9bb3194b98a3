//! The less common shapes of the formats a screenshot folder holds: 16-bit, palette, grey and
//! grey+alpha PNG, transparency, and animations (APNG, GIF, WebP), whose first frame is the photo.
//! Every one must become an upright 60×40 JPEG showing the same picture. Fixtures are made with
//! ImageMagick (the APNG by hand: Debian's ImageMagick writes APNG only through ffmpeg). A test
//! whose tool is missing says so and passes (CI installs them).

use std::path::{Path, PathBuf};

use photolift::convert::{convert, sniff_format, Conversion, ConvertOptions, Format, Jpeg};

mod common;
use common::{assert_picture, at, have, imagemagick, pixels, run, scratch, PICTURE};

fn have_imagemagick() -> bool {
    have("convert")
}

/// Runs ImageMagick's `convert` with `args`, the last one being the output file.
fn magick(args: &[&str]) {
    let mut command = imagemagick();
    command.args(args);
    run(command);
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Two 24-bit PNG frames in `dir`: the reference picture, then plain blue.
fn two_frames(dir: &Path) -> (PathBuf, PathBuf) {
    let first = dir.join("first.png");
    let second = dir.join("second.png");
    let first_out = format!("PNG24:{}", path_str(&first));
    let mut args = PICTURE.to_vec();
    args.push(&first_out);
    magick(&args);
    magick(&[
        "-size",
        "60x40",
        "xc:blue",
        &format!("PNG24:{}", path_str(&second)),
    ]);
    (first, second)
}

fn converted(path: &Path) -> Jpeg {
    let bytes = std::fs::read(path).expect("fixture");
    match convert(&bytes, &ConvertOptions::default()) {
        Ok(Conversion::Converted(jpeg)) => jpeg,
        other => panic!("{}: {other:?}", path.display()),
    }
}

#[test]
fn png_bit_depths_palettes_grey_and_alpha_all_show_the_same_picture() {
    if !have_imagemagick() {
        return;
    }
    let dir = scratch("png");
    struct Case {
        what: &'static str,
        /// ImageMagick options after the picture is drawn.
        options: &'static [&'static str],
        /// ImageMagick's output prefix (PNG8, PNG48…).
        prefix: &'static str,
        /// What the PNG's IHDR must say: (bit depth, colour type).
        ihdr: (u8, u8),
        grey: bool,
    }
    let cases = [
        Case {
            what: "16-bit RGB",
            options: &["-depth", "16"],
            prefix: "PNG48",
            ihdr: (16, 2),
            grey: false,
        },
        Case {
            what: "palette",
            options: &[],
            prefix: "PNG8",
            ihdr: (8, 3),
            grey: false,
        },
        Case {
            what: "grey",
            options: &["-colorspace", "Gray", "-type", "Grayscale", "-depth", "8"],
            prefix: "PNG",
            ihdr: (8, 0),
            grey: true,
        },
        Case {
            what: "16-bit grey",
            options: &["-colorspace", "Gray", "-depth", "16"],
            prefix: "PNG",
            ihdr: (16, 0),
            grey: true,
        },
        Case {
            what: "grey + alpha",
            options: &[
                "-colorspace",
                "Gray",
                "-alpha",
                "set",
                "-channel",
                "A",
                "-evaluate",
                "set",
                "60%",
                "+channel",
                "-depth",
                "8",
            ],
            prefix: "PNG",
            ihdr: (8, 4),
            grey: true,
        },
        Case {
            what: "RGBA, transparent background",
            options: &["-fuzz", "1%", "-transparent", "white"],
            prefix: "PNG32",
            ihdr: (8, 6),
            grey: false,
        },
    ];
    for Case {
        what,
        options,
        prefix,
        ihdr,
        grey,
    } in cases
    {
        let path = dir.join(format!("{}.png", what.replace([' ', ','], "_")));
        let mut args: Vec<&str> = PICTURE.to_vec();
        args.extend_from_slice(options);
        let out = format!("{prefix}:{}", path_str(&path));
        args.push(&out);
        magick(&args);
        let bytes = std::fs::read(&path).unwrap();
        // The fixture is what it says it is (IHDR: bit depth at 24, colour type at 25).
        assert_eq!((bytes[24], bytes[25]), ihdr, "{what}: IHDR");
        let jpeg = converted(&path);
        if what == "grey + alpha" {
            // 60 % opaque over white: the corner is lighter, still grey; the rest stays white.
            let pixels = pixels(&jpeg);
            let corner = at(&pixels, 8, 8);
            assert!(
                corner[0] > 100 && corner[0] < 200 && corner[0].abs_diff(corner[2]) < 8,
                "{what}: top-left is {corner:?}"
            );
            assert!(at(&pixels, 50, 32).iter().all(|&c| c > 200), "{what}");
        } else {
            // A transparent background is shown on white, as iCloud shows it.
            assert_picture(&jpeg, what, grey);
        }
    }
}

#[test]
fn animated_gif_and_webp_keep_their_first_frame() {
    if !have_imagemagick() {
        return;
    }
    let dir = scratch("anim");
    let (first, second) = two_frames(&dir);
    for ext in ["gif", "webp"] {
        let path = dir.join(format!("anim.{ext}"));
        magick(&[
            "-delay",
            "50",
            path_str(&first),
            path_str(&second),
            "-loop",
            "0",
            path_str(&path),
        ]);
        let bytes = std::fs::read(&path).unwrap();
        let frames = count_frames(&bytes, ext);
        assert_eq!(frames, 2, "{ext}: the fixture is animated");
        assert_picture(&converted(&path), ext, false);
    }
}

#[test]
fn apng_keeps_its_first_frame() {
    if !have_imagemagick() {
        return;
    }
    let dir = scratch("apng");
    let (first, second) = two_frames(&dir);
    let apng = make_apng(
        &std::fs::read(&first).unwrap(),
        &std::fs::read(&second).unwrap(),
    );
    assert_eq!(sniff_format(&apng), Format::Png);
    let path = dir.join("anim.png");
    std::fs::write(&path, &apng).unwrap();
    assert_picture(&converted(&path), "APNG", false);
}

/// Frames in an animated GIF (image descriptors) or WebP (ANMF chunks), counted from the bytes.
fn count_frames(bytes: &[u8], ext: &str) -> usize {
    let marker: &[u8] = if ext == "webp" {
        b"ANMF"
    } else {
        &[0x00, 0x2c]
    };
    bytes.windows(marker.len()).filter(|w| *w == marker).count()
}

/// A two-frame APNG (acTL, fcTL + IDAT, fcTL + fdAT) from two PNGs of the same size, colour type
/// and depth: the first is the default image and frame 1.
fn make_apng(first: &[u8], second: &[u8]) -> Vec<u8> {
    let ihdr = chunk_data(first, b"IHDR").expect("IHDR");
    let (width, height) = (&ihdr[0..4], &ihdr[4..8]);
    let frame_control = |sequence: u32| {
        let mut data = sequence.to_be_bytes().to_vec();
        data.extend_from_slice(width);
        data.extend_from_slice(height);
        data.extend_from_slice(&[0; 8]); // x and y offsets
        data.extend_from_slice(&[0, 50, 0, 100]); // delay 50/100 s
        data.extend_from_slice(&[0, 0]); // dispose none, blend source
        data
    };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    push_chunk(&mut out, b"IHDR", &ihdr);
    let mut animation = 2u32.to_be_bytes().to_vec();
    animation.extend_from_slice(&0u32.to_be_bytes()); // loop forever
    push_chunk(&mut out, b"acTL", &animation);
    push_chunk(&mut out, b"fcTL", &frame_control(0));
    push_chunk(&mut out, b"IDAT", &idat(first));
    push_chunk(&mut out, b"fcTL", &frame_control(1));
    let mut frame = 2u32.to_be_bytes().to_vec();
    frame.extend_from_slice(&idat(second));
    push_chunk(&mut out, b"fdAT", &frame);
    push_chunk(&mut out, b"IEND", &[]);
    out
}

/// The chunks of a PNG, as (type, data).
fn chunks(png: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut at = 8;
    let mut found = Vec::new();
    while at + 8 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
        found.push((kind, &png[at + 8..at + 8 + length]));
        at += 12 + length;
    }
    found
}

fn chunk_data(png: &[u8], kind: &[u8; 4]) -> Option<Vec<u8>> {
    chunks(png)
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, d)| d.to_vec())
}

/// All IDAT data of a PNG, joined.
fn idat(png: &[u8]) -> Vec<u8> {
    chunks(png)
        .into_iter()
        .filter(|(k, _)| k == b"IDAT")
        .flat_map(|(_, d)| d.to_vec())
        .collect()
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}
