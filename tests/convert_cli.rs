//! The `photolift convert` command, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub)
}

/// A fresh directory of this test's own under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("photolift-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn photolift(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_photolift"))
        .args(args)
        .output()
        .expect("run photolift")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn converts_each_file_reports_each_line_and_fails_if_one_failed() {
    let out = scratch("mixed");
    let inputs = [
        corpus("heic/example.heic"),
        corpus("malformed/github_138.heic"),
        corpus("heic/rainbow-451x461.heic"),
        corpus("heic/colors-with-alpha.heic"),
    ];
    let mut args: Vec<&std::ffi::OsStr> = vec!["convert".as_ref()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend(["--out".as_ref(), out.as_os_str()]);
    let output = photolift(&args);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].ends_with("example.jpg: ok"), "{text}");
    assert!(
        lines[1].contains("github_138.heic: error: This HEIC file is damaged or incomplete."),
        "{text}"
    );
    assert!(lines[2].ends_with("rainbow-451x461.jpg: ok"), "{text}");
    for name in [
        "example.jpg",
        "rainbow-451x461.jpg",
        "colors-with-alpha.jpg",
    ] {
        let bytes = std::fs::read(out.join(name)).expect(name);
        assert!(
            bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            "{name} is not a JPEG"
        );
    }
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 3);
}

#[test]
fn all_good_exits_zero_and_never_overwrites() {
    let out = scratch("collide");
    let input = corpus("heic/colors-no-alpha.heic");
    let args = [
        "convert".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    std::fs::write(out.join("colors-no-alpha.jpg"), b"precious").expect("seed");
    let first = photolift(&args);
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    let second = photolift(&args);
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(
        std::fs::read(out.join("colors-no-alpha.jpg")).expect("seed"),
        b"precious"
    );
    assert!(stdout(&first).contains("colors-no-alpha-1.jpg: ok"));
    assert!(stdout(&second).contains("colors-no-alpha-2.jpg: ok"));
}

#[test]
fn jpeg_is_copied_byte_for_byte_and_names_do_not_decide_the_format() {
    let work = scratch("passthrough");
    let out = work.join("out");
    // A HEIC that claims to be a JPEG is still converted.
    let lying = work.join("IMG_0001.JPG");
    std::fs::copy(corpus("heic/example.heic"), &lying).expect("copy");
    let first = photolift(&[
        "convert".as_ref(),
        lying.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    let converted = std::fs::read(out.join("IMG_0001.jpg")).expect("converted");
    assert!(converted.starts_with(&[0xFF, 0xD8, 0xFF]));
    // That JPEG, fed back in, is copied unchanged.
    let again = work.join("again");
    let jpeg = out.join("IMG_0001.jpg");
    let second = photolift(&[
        "convert".as_ref(),
        jpeg.as_os_str(),
        "--out".as_ref(),
        again.as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(
        std::fs::read(again.join("IMG_0001.jpg")).expect("copy"),
        converted
    );
    let report: serde_json::Value =
        serde_json::from_str(stdout(&second).trim()).expect("one JSON line");
    assert_eq!(report["format"], "JPEG");
    assert_eq!(report["unchanged"], true);
    assert!(report["error"].is_null());
}

#[test]
fn json_reports_dimensions_metadata_and_errors() {
    let out = scratch("json");
    let good = corpus("heic/pug.heic");
    let bad = corpus("avif/example.avif");
    let output = photolift(&[
        "convert".as_ref(),
        good.as_os_str(),
        bad.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
        "--quality".as_ref(),
        "80".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let reports: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["format"], "HEIC");
    assert_eq!(reports[0]["width"], 4032);
    assert_eq!(reports[0]["height"], 3024);
    assert_eq!(reports[0]["kept"]["exif"], true);
    assert_eq!(reports[0]["kept"]["icc"], true);
    assert_eq!(
        reports[1]["error"],
        "AVIF is not supported yet. Save the photo as JPEG or PNG in another app, then add that."
    );
    assert!(reports[1]["output"].is_null());
}

#[test]
fn bad_usage_exits_2() {
    let output = photolift(&["convert".as_ref(), "x.heic".as_ref()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--out DIR is required"));
}

#[test]
fn files_converted_at_once_are_named_and_reported_in_the_order_given() {
    // Two photos called the same from two folders, the first far slower to convert (12 MP
    // against 64×64): on several cores the second is ready first, yet the first given must
    // still be `photo.jpg` and be reported first, as when one file followed the other.
    let (a, b, out) = (scratch("order-a"), scratch("order-b"), scratch("order-out"));
    std::fs::copy(corpus("heic/pug.heic"), a.join("photo.heic")).expect("copy");
    std::fs::copy(corpus("heic/colors-no-alpha.heic"), b.join("photo.heic")).expect("copy");
    let (first, second) = (a.join("photo.heic"), b.join("photo.heic"));
    let output = photolift(&[
        "convert".as_ref(),
        first.as_os_str(),
        second.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let reports: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(reports.len(), 2, "{text}");
    assert_eq!(reports[0]["input"], first.display().to_string(), "{text}");
    assert_eq!(reports[0]["width"], 4032, "{text}");
    assert!(
        reports[0]["output"]
            .as_str()
            .unwrap_or("")
            .ends_with("/photo.jpg"),
        "{text}"
    );
    assert_eq!(reports[1]["width"], 64, "{text}");
    assert!(
        reports[1]["output"]
            .as_str()
            .unwrap_or("")
            .ends_with("/photo-1.jpg"),
        "{text}"
    );
}
