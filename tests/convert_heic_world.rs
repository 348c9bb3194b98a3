//! Every camera's photo as its owner sees it: each of the 26 real files of `corpus/heic-world`
//! (iPhone 7 Plus to iPhone 16, Samsung, OnePlus, Canon, edited files, the eight `irot`/`imir`
//! orientations, damaged files) converts — or, when damaged, fails with a plain sentence — to a
//! JPEG of libheif's size after `clap`/`irot`/`imir`, within 40 dB luma PSNR of libheif's picture
//! (flattened on white when it has alpha), turned as the phone shows it, with its capture date
//! and EXIF Orientation 1.
//!
//! The reference is Debian's libheif 1.15 (`heif-convert`) where it reads the file, else libheif
//! 1.23 (pillow-heif, installed by `./build.sh`). libheif ignores EXIF Orientation, so for the two
//! files that say Orientation 6 only in EXIF (no `irot`) the reference is turned clockwise here,
//! as their phones show them.

use std::path::{Path, PathBuf};

use photolift::convert::{convert, Conversion, ConvertOptions, Jpeg};

mod common;
use common::reference::{self, jpeg_picture, luma_psnr, turned_clockwise, Libheif, Picture};

use Libheif::{Debian115, Recent123};

/// What a file must give.
enum Expect {
    /// A JPEG like libheif's picture of the file; `turn` when the phone turns it by an EXIF
    /// Orientation 6 that libheif does not apply; the DateTimeOriginal the file holds.
    Picture {
        libheif: Libheif,
        turn: bool,
        date: Option<&'static str>,
    },
    /// A plain refusal naming the damage.
    Damaged,
}

const fn picture(libheif: Libheif, date: &'static str) -> Expect {
    Expect::Picture {
        libheif,
        turn: false,
        date: Some(date),
    }
}

const fn undated(libheif: Libheif) -> Expect {
    Expect::Picture {
        libheif,
        turn: false,
        date: None,
    }
}

const fn turned(libheif: Libheif, date: &'static str) -> Expect {
    Expect::Picture {
        libheif,
        turn: true,
        date: Some(date),
    }
}

/// Every file of the folder (a test below checks that none is missing). Debian's libheif 1.15
/// cannot open the iPhone 15 Pro and 16 HDR files ("Metadata not correctly assigned", "Too many
/// auxiliary image references") and writes empty pictures for the S24 FE and the 5-image file.
const FILES: &[(&str, Expect)] = &[
    (
        "canon_r8_10bit_pq.heic",
        picture(Debian115, "2022:07:04 21:17:16"),
    ),
    // `pitm` is an invalid grid declared a thumbnail of item 3: libheif shows item 3.
    ("grid_missing_tiles_invalid.heic", undated(Debian115)),
    ("hvcc_nal_length_zero.heic", Expect::Damaged),
    (
        "iphone11pro_exif_at_eof.heic",
        picture(Debian115, "2020:05:04 18:39:11"),
    ),
    (
        "iphone12mini_livephoto.heic",
        picture(Debian115, "2021:12:10 22:14:50"),
    ),
    (
        "iphone14pro_clap.heic",
        picture(Debian115, "2023:09:03 09:28:14"),
    ),
    (
        "iphone15pro_edit_clap_alpha_ref.heic",
        picture(Debian115, "2024:08:05 17:54:58"),
    ),
    (
        "iphone15pro_edit_irot_clap_grid_alpha.heic",
        picture(Debian115, "2024:08:05 17:54:58"),
    ),
    (
        "iphone15pro_gainmap_tmap.heic",
        picture(Recent123, "2025:11:07 18:52:57"),
    ),
    (
        "iphone16_gainmap_24mp.heic",
        picture(Recent123, "2026:05:13 14:48:06"),
    ),
    (
        "iphone7plus_ios11_depth_exiforient6_noirot.heic",
        turned(Debian115, "2017:07:14 11:27:18"),
    ),
    ("multiimage_5_top_level.heic", undated(Recent123)),
    ("oneplus13.heic", picture(Debian115, "2026:05:11 12:21:02")),
    ("orient_1_irot.heic", undated(Debian115)),
    ("orient_2_imir.heic", undated(Debian115)),
    ("orient_3_irot.heic", undated(Debian115)),
    ("orient_4_imir.heic", undated(Debian115)),
    ("orient_5_irot_imir.heic", undated(Debian115)),
    ("orient_6_irot.heic", undated(Debian115)),
    ("orient_7_irot_imir.heic", undated(Debian115)),
    ("orient_8_irot.heic", undated(Debian115)),
    (
        "samsung_a32.heic",
        picture(Debian115, "2023:12:12 18:39:16"),
    ),
    (
        "samsung_s10plus_irot_imir.heic",
        picture(Debian115, "2020:06:30 11:27:59"),
    ),
    (
        "samsung_s24fe_clap_exiforient6.heic",
        turned(Recent123, "2025:05:09 11:38:44"),
    ),
    ("tree_alpha_small.heic", undated(Debian115)),
    // libheif 1.23 shows 53 of its 54 tiles; photolift refuses the damaged file.
    ("truncated_last_tile.heic", Expect::Damaged),
];

/// Luma PSNR the JPEG must reach against libheif's picture.
const MIN_DB: f64 = 40.0;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/heic-world")
}

fn options() -> ConvertOptions {
    // No date rescue: a date in the JPEG can only come from the file.
    ConvertOptions {
        date_rescue: false,
        ..ConvertOptions::default()
    }
}

/// The EXIF fields of photolift's JPEG that this test checks: DateTimeOriginal and Orientation.
fn exif_of(jpeg: &Jpeg) -> (Option<String>, Option<u32>) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&jpeg.bytes))
    else {
        return (None, None);
    };
    let date = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .and_then(|f| match &f.value {
            exif::Value::Ascii(parts) => parts
                .first()
                .map(|s| String::from_utf8_lossy(s).into_owned()),
            _ => None,
        });
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0));
    (date, orientation)
}

/// Checks one file; returns what went wrong, if anything, and a line for the report.
fn check(name: &str, expect: &Expect, scratch: &Path) -> Result<String, String> {
    let bytes = std::fs::read(folder().join(name)).expect("read corpus file");
    let result = convert(&bytes, &options());
    let Expect::Picture {
        libheif,
        turn,
        date,
    } = *expect
    else {
        let sentence = match result {
            Err(error) => error.to_string(),
            Ok(_) => return Err(format!("{name}: damaged, but converted")),
        };
        let plain = sentence.starts_with("This HEIC file is damaged or incomplete.")
            && !["panick", "unreachable", "RuntimeError", "index out of"]
                .iter()
                .any(|word| sentence.contains(word));
        return if plain {
            Ok(format!("{name}: refused: {sentence}"))
        } else {
            Err(format!("{name}: not a plain refusal: {sentence}"))
        };
    };
    let jpeg = match result {
        Ok(Conversion::Converted(jpeg)) => jpeg,
        other => return Err(format!("{name}: {other:?}")),
    };
    let mut want = reference::decode(&folder().join(name), libheif, scratch)
        .map_err(|e| format!("{name}: reference: {e}"))?;
    if turn {
        want = turned_clockwise(&want);
    }
    let got = jpeg_picture(&jpeg.bytes);
    let mut problems = Vec::new();
    if (got.width, got.height) != (want.width, want.height) {
        return Err(format!(
            "{name}: {}×{}, libheif shows {}×{}{}",
            got.width,
            got.height,
            want.width,
            want.height,
            if turn {
                " turned as the phone shows it"
            } else {
                ""
            }
        ));
    }
    let db = luma_psnr(&got.rgb, &want.rgb);
    if db < MIN_DB {
        problems.push(format!("{db:.2} dB from libheif {libheif:?}"));
    }
    let (got_date, orientation) = exif_of(&jpeg);
    if got_date.as_deref() != date {
        problems.push(format!(
            "DateTimeOriginal {got_date:?}, the file has {date:?}"
        ));
    }
    if orientation.is_some_and(|o| o != 1) {
        problems.push(format!("EXIF Orientation {orientation:?}"));
    }
    if problems.is_empty() {
        Ok(format!(
            "{name}: {}×{}, {db:.2} dB luma vs libheif {libheif:?}{}",
            got.width,
            got.height,
            if turn { " turned by EXIF 6" } else { "" }
        ))
    } else {
        Err(format!("{name}: {}", problems.join("; ")))
    }
}

#[test]
fn every_camera_file_converts_as_its_owner_sees_it() {
    let scratch = std::env::temp_dir().join(format!("photolift-heic-world-{}", std::process::id()));
    // Two workers: the machines running this have two cores, and the reference decodes of the
    // 12–24 MP photos (libheif writing PNG) take most of the time.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for worker in 0..2 {
            let (next, results, scratch) = (&next, &results, &scratch);
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, expect)) = FILES.get(i) else {
                    break;
                };
                let outcome = check(name, expect, &scratch.join(worker.to_string()));
                results.lock().unwrap().push(outcome);
            });
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);
    let results = results.into_inner().unwrap();
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(line) => eprintln!("{line}"),
            Err(problem) => failures.push(problem),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_table_lists_every_file_of_the_folder() {
    let mut on_disk: Vec<String> = std::fs::read_dir(folder())
        .expect("corpus/heic-world")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".heic"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = FILES.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(listed, on_disk);
    assert_eq!(listed.len(), 26);
}

/// The eight orientation files store one landscape scene in eight ways (`irot`, `imir` or both;
/// each coded separately, with its number drawn in the middle and the first one brighter): shown
/// as their transforms say, all eight are the same upright 600×450 scene, labelled "top",
/// "left", "right" and "bottom" at its edges. Measured: 0.98–0.99 correlation between the right
/// ways up, 0.53 for a mirrored one, under 0.1 for one upside down.
/// Luma means of 10×10 blocks, row by row: the picture's layout without its fine detail.
fn block_means(picture: &Picture) -> Vec<f64> {
    let (w, h) = (picture.width as usize, picture.height as usize);
    let mut means = Vec::new();
    for by in 0..h / 10 {
        for bx in 0..w / 10 {
            let mut sum = 0.0;
            for y in by * 10..by * 10 + 10 {
                for x in bx * 10..bx * 10 + 10 {
                    let p = &picture.rgb[(y * w + x) * 3..][..3];
                    sum +=
                        0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]);
                }
            }
            means.push(sum / 100.0);
        }
    }
    means
}

/// Pearson correlation of two pictures' block means: near 1 for one scene shown the same way
/// up whatever its coding and exposure, far lower for the scene mirrored or turned.
fn layout_correlation(a: &Picture, b: &Picture) -> f64 {
    let (a, b) = (block_means(a), block_means(b));
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn the_eight_orientations_show_one_upright_picture() {
    let pictures: Vec<(String, Picture)> = (1..=8)
        .map(|n| {
            let name = FILES
                .iter()
                .map(|(name, _)| *name)
                .find(|name| name.starts_with(&format!("orient_{n}_")))
                .expect("orientation file");
            let bytes = std::fs::read(folder().join(name)).expect("read");
            let jpeg = match convert(&bytes, &options()) {
                Ok(Conversion::Converted(jpeg)) => jpeg,
                other => panic!("{name}: {other:?}"),
            };
            (name.to_string(), jpeg_picture(&jpeg.bytes))
        })
        .collect();
    let (first_name, first) = &pictures[0];
    assert_eq!((first.width, first.height), (600, 450), "{first_name}");
    for (name, picture) in &pictures[1..] {
        assert_eq!((picture.width, picture.height), (600, 450), "{name}");
        let correlation = layout_correlation(picture, first);
        eprintln!("{name} vs {first_name}: layout correlation {correlation:.3}");
        assert!(
            correlation > 0.9,
            "{name} vs {first_name}: {correlation:.3}"
        );
        let mirrored = Picture {
            rgb: picture
                .rgb
                .chunks_exact(600 * 3)
                .flat_map(|row| row.chunks_exact(3).rev().flatten().copied())
                .collect(),
            ..picture.clone()
        };
        // The measure tells the ways up apart.
        assert!(
            layout_correlation(&mirrored, first) < 0.8,
            "{name} mirrored"
        );
    }
}
