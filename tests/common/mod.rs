//! Shared by the fixture tests (`convert_fixtures`, `convert_variants`): scratch folders, the
//! tools that make fixtures, and the reference picture they all draw and check — 60×40, white, with
//! a red 20×20 square in the top-left corner.

// Each test file uses its own subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use photolift::convert::Jpeg;

pub mod reference;

/// Whether `tool` is on PATH; says so when it is not (the test then passes: CI installs them).
pub fn have(tool: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    if !found {
        eprintln!("SKIPPED: `{tool}` is not installed");
    }
    found
}

/// Debian's ImageMagick, not a wrapper earlier on PATH.
pub fn imagemagick() -> Command {
    if Path::new("/usr/bin/convert").exists() {
        Command::new("/usr/bin/convert")
    } else {
        Command::new("convert")
    }
}

pub fn run(mut command: Command) {
    let output = command.output().expect("run tool");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A fresh folder for one test's fixtures.
pub fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("photolift-fixtures-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// ImageMagick arguments that draw the reference picture.
pub const PICTURE: [&str; 7] = [
    "-size",
    "60x40",
    "xc:white",
    "-fill",
    "red",
    "-draw",
    "rectangle 0,0 19,19",
];

/// The JPEG's RGB pixels, read by a second, independent decoder; it must be 60×40.
pub fn pixels(jpeg: &Jpeg) -> Vec<u8> {
    assert_eq!((jpeg.width, jpeg.height), (60, 40), "size");
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(&jpeg.bytes));
    decoder.decode().expect("decode our JPEG")
}

pub fn at(pixels: &[u8], x: usize, y: usize) -> [u8; 3] {
    let i = (y * 60 + x) * 3;
    [pixels[i], pixels[i + 1], pixels[i + 2]]
}

/// The reference picture, upright: red top-left, white elsewhere (`grey`: the grey version, a
/// dark grey top-left with all channels equal).
pub fn assert_picture(jpeg: &Jpeg, what: &str, grey: bool) {
    let pixels = pixels(jpeg);
    let corner = at(&pixels, 8, 8);
    if grey {
        let spread = corner.iter().max().unwrap() - corner.iter().min().unwrap();
        assert!(
            corner[0] < 140 && spread < 8,
            "{what}: top-left is {corner:?}"
        );
    } else {
        assert!(
            corner[0] > 200 && corner[1] < 70 && corner[2] < 70,
            "{what}: top-left is {corner:?}"
        );
    }
    for (x, y) in [(50, 8), (8, 32), (50, 32)] {
        let white = at(&pixels, x, y);
        assert!(
            white.iter().all(|&c| c > 200),
            "{what}: ({x},{y}) is {white:?}"
        );
    }
}

/// The words (in English) of why file `id` of `plan` ended as it did, as the panel shows them.
pub fn reason_words(
    plan: &photolift::queue::UploadPlan,
    id: photolift::queue::FileId,
) -> Option<String> {
    plan.file(id)?
        .reason
        .as_ref()
        .map(photolift::words::english_reason)
}
