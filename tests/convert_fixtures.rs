//! Fixtures made with real tools (ImageMagick, exiftool, heif-enc) in each format, stamped with
//! a known date, camera, GPS position and Orientation 6: the JPEG must carry the same metadata
//! and be upright. A test whose tool is missing says so and passes (CI installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

use photolift::convert::{convert, Conversion, ConvertOptions, Jpeg};

mod common;
use common::{assert_picture, have, imagemagick, run, scratch, PICTURE};

const DATE: &str = "2021:03:04 05:06:07";

/// The upright picture: 60×40, white, with a red 20×20 square in the top-left corner.
fn make_upright(dir: &Path) -> PathBuf {
    let path = dir.join("upright.png");
    let mut command = imagemagick();
    command.args(PICTURE);
    command.args(["-type", "TrueColor"]).arg(&path);
    run(command);
    path
}

/// Stores the picture turned 90° anticlockwise, as a camera held sideways does, in `ext`;
/// Orientation 6 ("rotate 90° clockwise to display") makes it upright again.
fn make_sideways(dir: &Path, upright: &Path, ext: &str) -> PathBuf {
    let path = dir.join(format!("sideways.{ext}"));
    let mut command = imagemagick();
    command
        .arg(upright)
        .args(["-rotate", "-90", "-type", "TrueColor"])
        .arg(&path);
    run(command);
    path
}

fn stamp(path: &Path, orientation: u8) {
    let mut command = Command::new("exiftool");
    command.args(["-q", "-overwrite_original"]);
    command.arg(format!("-Orientation#={orientation}"));
    command.arg(format!("-DateTimeOriginal={DATE}"));
    command.args(["-Make=PhotoliftTest", "-Model=Fixture 6"]);
    command.args(["-GPSLatitude=48.8584", "-GPSLatitudeRef=N"]);
    command.args(["-GPSLongitude=2.2945", "-GPSLongitudeRef=E"]);
    command.arg(path);
    run(command);
}

fn convert_file(path: &Path, options: &ConvertOptions) -> Jpeg {
    let bytes = std::fs::read(path).expect("fixture");
    match convert(&bytes, options) {
        Ok(Conversion::Converted(jpeg)) => jpeg,
        other => panic!("{}: {other:?}", path.display()),
    }
}

/// exiftool's view of a JPEG's tags, numeric values (`-n`).
fn exif_of(jpeg: &[u8], dir: &Path) -> serde_json::Value {
    let path = dir.join("out.jpg");
    std::fs::write(&path, jpeg).expect("write JPEG");
    let output = Command::new("exiftool")
        .args([
            "-j",
            "-n",
            "-Orientation",
            "-DateTimeOriginal",
            "-OffsetTimeOriginal",
        ])
        .args(["-Make", "-Model", "-GPSLatitude", "-GPSLongitude"])
        .arg(&path)
        .output()
        .expect("run exiftool");
    let mut all: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("exiftool JSON");
    all.pop().expect("one file")
}

fn assert_metadata_carried(tags: &serde_json::Value, what: &str) {
    assert_eq!(tags["Orientation"], 1, "{what}: {tags}");
    assert_eq!(tags["DateTimeOriginal"], DATE, "{what}: {tags}");
    assert_eq!(tags["Make"], "PhotoliftTest", "{what}: {tags}");
    assert_eq!(tags["Model"], "Fixture 6", "{what}: {tags}");
    let close =
        |v: &serde_json::Value, want: f64| v.as_f64().is_some_and(|v| (v - want).abs() < 1e-3);
    assert!(close(&tags["GPSLatitude"], 48.8584), "{what}: {tags}");
    assert!(close(&tags["GPSLongitude"], 2.2945), "{what}: {tags}");
}

#[test]
fn sideways_png_webp_tiff_become_upright_with_their_metadata() {
    if !have("exiftool") || !have("convert") {
        return;
    }
    let dir = scratch("sideways");
    let upright = make_upright(&dir);
    for ext in ["png", "webp", "tif"] {
        let path = make_sideways(&dir, &upright, ext);
        stamp(&path, 6);
        let jpeg = convert_file(&path, &ConvertOptions::default());
        assert_picture(&jpeg, ext, false);
        assert!(
            jpeg.kept.exif && !jpeg.kept.date_rescued,
            "{ext}: {:?}",
            jpeg.kept
        );
        assert_metadata_carried(&exif_of(&jpeg.bytes, &dir), ext);
    }
}

#[test]
fn heic_exif_orientation_is_not_applied_twice() {
    // HEIF rotates with `irot`, which heifer applies; its EXIF Orientation is informative only
    // (libheif ignores it too). The JPEG must show the stored pixels and say Orientation 1.
    if !have("exiftool") || !have("convert") || !have("heif-enc") {
        return;
    }
    let dir = scratch("heic");
    let upright = make_upright(&dir);
    let heic = dir.join("upright.heic");
    let mut command = Command::new("heif-enc");
    command
        .args(["-q", "95"])
        .arg(&upright)
        .arg("-o")
        .arg(&heic);
    run(command);
    stamp(&heic, 6);
    let jpeg = convert_file(&heic, &ConvertOptions::default());
    assert_picture(&jpeg, "heic", false);
    assert_metadata_carried(&exif_of(&jpeg.bytes, &dir), "heic");
}

#[test]
fn gif_and_bmp_get_a_rescued_date() {
    if !have("exiftool") || !have("convert") {
        return;
    }
    let dir = scratch("rescue");
    let upright = make_upright(&dir);
    let options = ConvertOptions {
        last_modified_ms: Some(1_614_834_367_000), // 2021-03-04 05:06:07 UTC
        ..ConvertOptions::default()
    };
    for ext in ["gif", "bmp"] {
        let path = dir.join(format!("upright.{ext}"));
        let mut command = imagemagick();
        command.arg(&upright).arg(&path);
        run(command);
        let jpeg = convert_file(&path, &options);
        assert_picture(&jpeg, ext, false);
        assert!(jpeg.kept.date_rescued, "{ext}: {:?}", jpeg.kept);
        let tags = exif_of(&jpeg.bytes, &dir);
        assert_eq!(tags["DateTimeOriginal"], DATE, "{ext}: {tags}");
        assert_eq!(tags["OffsetTimeOriginal"], "+00:00", "{ext}: {tags}");
    }
}

#[test]
fn a_date_is_added_to_exif_that_lacks_one_keeping_the_rest() {
    if !have("exiftool") || !have("convert") {
        return;
    }
    let dir = scratch("add-date");
    let upright = make_upright(&dir);
    let path = make_sideways(&dir, &upright, "png");
    stamp(&path, 6);
    let mut command = Command::new("exiftool");
    command
        .args(["-q", "-overwrite_original", "-DateTimeOriginal="])
        .arg(&path);
    run(command);
    let options = ConvertOptions {
        last_modified_ms: Some(1_614_834_367_000),
        ..ConvertOptions::default()
    };
    let jpeg = convert_file(&path, &options);
    assert_picture(&jpeg, "png without date", false);
    assert!(jpeg.kept.date_rescued);
    assert_metadata_carried(&exif_of(&jpeg.bytes, &dir), "png without date");
}

#[test]
fn oversized_exif_is_shrunk_to_fit_not_dropped() {
    if !have("exiftool") {
        return;
    }
    let dir = scratch("xiaomi");
    let heic = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/heic/xiaomi.heic");
    let jpeg = convert_file(&heic, &ConvertOptions::default());
    assert!(jpeg.kept.exif);
    let tags = exif_of(&jpeg.bytes, &dir);
    assert_eq!(tags["Orientation"], 1, "{tags}");
    assert!(tags["DateTimeOriginal"].is_string(), "{tags}");
    assert!(tags["Make"].is_string(), "{tags}");
}
