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

/// ImageMagick's operation that stores the upright picture so that EXIF Orientation `n` shows
/// it upright again: the inverse of what the tag asks a viewer to do.
fn stored_for(orientation: u8) -> &'static [&'static str] {
    match orientation {
        2 => &["-flop"],
        3 => &["-rotate", "180"],
        4 => &["-flip"],
        5 => &["-transpose"],
        6 => &["-rotate", "-90"],
        7 => &["-transverse"],
        8 => &["-rotate", "90"],
        _ => &[],
    }
}

/// The picture stored for each EXIF Orientation 1–8 as `ext`, not yet stamped.
fn stored_eight_ways(dir: &Path, upright: &Path, ext: &str) -> Vec<(u8, PathBuf)> {
    (1..=8)
        .map(|n| {
            let path = dir.join(format!("orientation-{n}.{ext}"));
            let mut command = imagemagick();
            command.arg(upright).args(stored_for(n));
            command.args(["-type", "TrueColor"]).arg(&path);
            run(command);
            (n, path)
        })
        .collect()
}

/// Stamps each file with its Orientation and the test's metadata, in one exiftool run.
fn stamp_all(files: &[(u8, PathBuf)]) {
    let mut command = Command::new("exiftool");
    for (n, path) in files {
        command.args(["-q", "-overwrite_original"]);
        command.arg(format!("-Orientation#={n}"));
        command.arg(format!("-DateTimeOriginal={DATE}"));
        command.args(["-Make=PhotoliftTest", "-Model=Fixture 6"]);
        command.args(["-GPSLatitude=48.8584", "-GPSLatitudeRef=N"]);
        command.args(["-GPSLongitude=2.2945", "-GPSLongitudeRef=E"]);
        command.arg(path).arg("-execute");
    }
    run(command);
}

#[test]
fn every_exif_orientation_is_turned_upright_in_png_webp_and_tiff() {
    // One rule (src/convert/orientation.rs): these formats have no orientation but EXIF's.
    if !have("exiftool") || !have("convert") {
        return;
    }
    let dir = scratch("orientations");
    let upright = make_upright(&dir);
    for ext in ["png", "webp", "tif"] {
        let files = stored_eight_ways(&dir, &upright, ext);
        stamp_all(&files);
        for (n, path) in files {
            let what = format!("{ext} with Orientation {n}");
            let jpeg = convert_file(&path, &ConvertOptions::default());
            assert_picture(&jpeg, &what, false);
            assert!(
                jpeg.kept.exif && !jpeg.kept.date_rescued,
                "{what}: {:?}",
                jpeg.kept
            );
            assert_metadata_carried(&exif_of(&jpeg.bytes, &dir), &what);
        }
    }
}

#[test]
fn a_heic_without_irot_is_turned_by_its_exif_orientation() {
    // A HEIC with no `irot`/`imir`, like the iPhone 7 Plus on iOS 11 and the Samsung S24 FE,
    // whose phones show such a file turned by its EXIF Orientation. (Files with `irot` and an
    // EXIF Orientation both are in tests/convert_heic_world.rs: there EXIF is not applied again.)
    // Coded by heifer rather than Debian's heif-enc 1.15, which garbles this 60-pixel-wide
    // picture when its detail is on the right (the flopped red square came out in two pieces,
    // in libheif's own decode too).
    if !have("exiftool") || !have("convert") {
        return;
    }
    let dir = scratch("heic");
    let upright = make_upright(&dir);
    let heics: Vec<(u8, PathBuf)> = stored_eight_ways(&dir, &upright, "png")
        .into_iter()
        .map(|(n, png)| {
            let rgb = image::open(&png).expect("stored picture").into_rgb8();
            let options = heifer::EncodeOptions {
                quality: 95,
                max_threads: 1,
            };
            let heic = heifer::encode_rgb8(rgb.width(), rgb.height(), rgb.as_raw(), &options)
                .expect("code the HEIC");
            let path = dir.join(format!("orientation-{n}.heic"));
            std::fs::write(&path, heic).expect("write HEIC");
            (n, path)
        })
        .collect();
    stamp_all(&heics);
    for (n, heic) in heics {
        let what = format!("heic with Orientation {n}");
        let jpeg = convert_file(&heic, &ConvertOptions::default());
        assert_picture(&jpeg, &what, false);
        assert_metadata_carried(&exif_of(&jpeg.bytes, &dir), &what);
    }
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
