//! HDR: an iPhone photo's gain map travels as an ISO 21496-1 / Ultra HDR gain map, and an
//! independent reader finds it. The reader is npm's @monogrid/gainmap-js (the decoder behind
//! three.js's HDRJPGLoader), run by node from `target/reference-node`, which `./build.sh test`
//! installs (`tests/reference/install.sh`). It must read the same metadata from the ISO 21496-1
//! segment and from the XMP, and find the two images through the MPF index; the gain map image it
//! extracts must hold the photo's gains; the SDR picture must be the one written without the gain
//! map; and with the setting off, there is nothing to find.

use std::path::{Path, PathBuf};
use std::process::Command;

use photolift::convert::{convert, Conversion, ConvertOptions, Jpeg};

mod common;
use common::reference::jpeg_picture;

fn corpus_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/heic-world")
        .join(name)
}

fn converted(bytes: &[u8], hdr_gain_map: bool) -> Jpeg {
    let options = ConvertOptions {
        hdr_gain_map,
        ..ConvertOptions::default()
    };
    match convert(bytes, &options) {
        Ok(Conversion::Converted(jpeg)) => jpeg,
        other => panic!("{other:?}"),
    }
}

/// What gainmap-js reads from `jpeg`, as JSON; the gain map it extracts is written to
/// `JPEG.gainmap.jpg`.
fn gainmap_js(jpeg: &Path) -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("target/reference-node/node_modules");
    assert!(
        modules.join("@monogrid/gainmap-js").exists(),
        "the gain-map reader is not installed in {}: `./build.sh test` installs it \
         (tests/reference/install.sh)",
        modules.display()
    );
    let output = Command::new("node")
        .arg(root.join("tests/reference/gainmap_extract.mjs"))
        .arg(&modules)
        .arg(jpeg)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "gainmap-js: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from gainmap_extract.mjs")
}

/// The same JSON, numbers equal to 10⁻⁵ (ISO 21496-1 stores fractions, XMP decimals).
/// The primary image of a JPEG (up to its first EOI) without the segments a gain map adds: MPF,
/// the ISO 21496-1 APP2 and the XMP that carries `hdrgm`.
fn primary_without_gain_map_segments(jpeg: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut i = 2;
    while jpeg[i + 1] != 0xda {
        let length = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        let segment = &jpeg[i..i + 2 + length];
        let payload = &segment[4..];
        let added = payload.starts_with(b"MPF\0")
            || payload.starts_with(b"urn:iso:std:iso:ts:21496:-1")
            || (payload.starts_with(b"http://ns.adobe.com/xap/1.0/")
                && payload.windows(5).any(|w| w == b"hdrgm"));
        if !added {
            out.extend_from_slice(segment);
        }
        i += 2 + length;
    }
    let end = i + jpeg[i..]
        .windows(2)
        .position(|w| w == [0xff, 0xd9])
        .expect("an EOI");
    out.extend_from_slice(&jpeg[i..end + 2]);
    out
}

fn same_numbers(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(f64::NAN)).abs() < 1e-5
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_numbers(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_numbers(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn an_iphone_gain_map_is_found_by_an_independent_reader() {
    let dir = std::env::temp_dir().join(format!("photolift-gain-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    // iPhone 15 Pro: an Apple gain map and headroom in the MakerNote (and a `tmap` item), `irot`.
    let heic = std::fs::read(corpus_file("iphone15pro_gainmap_tmap.heic")).expect("read");
    let with = converted(&heic, true);
    let without = converted(&heic, false);
    assert!(with.kept.hdr_gain_map && !without.kept.hdr_gain_map);

    let path = dir.join("with.jpg");
    std::fs::write(&path, &with.bytes).expect("write");
    let found = gainmap_js(&path);
    eprintln!("gainmap-js: {found}");
    assert!(found["error"].is_null(), "{found}");
    // The same metadata from the ISO 21496-1 segment, the XMP, and the extraction.
    let metadata = &found["extracted"]["metadata"];
    assert!(same_numbers(&found["iso"], metadata), "{found}");
    assert!(same_numbers(&found["xmp"], metadata), "{found}");
    let capacity = metadata["hdrCapacityMax"].as_f64().expect("capacity");
    // Apple's headroom, limited to 4 (two stops) as Apple's decoder limits it.
    assert!(capacity > 0.5 && capacity <= 2.0, "{capacity}");
    assert!(same_numbers(
        &metadata["gainMapMax"][0],
        &metadata["hdrCapacityMax"]
    ));
    assert_eq!(metadata["gainMapMin"][0].as_f64(), Some(0.0));
    assert_eq!(metadata["gamma"][0].as_f64(), Some(1.0));

    // The two images the MPF index points at: the primary JPEG and the gain map after it.
    let sdr_len = found["extracted"]["sdrBytes"].as_u64().expect("sdr size") as usize;
    let gain_len = found["extracted"]["gainMapBytes"].as_u64().expect("size") as usize;
    // gainmap-js slices one byte past each image's end (its `end + 1`), clamped at the file end.
    assert!(
        sdr_len.abs_diff(with.bytes.len() - gain_len) <= 1,
        "{sdr_len}"
    );
    let gain_jpeg = std::fs::read(dir.join("with.jpg.gainmap.jpg")).expect("extracted");
    let gain = jpeg_picture(&gain_jpeg);
    // Upright like the picture (3024×4032, portrait through `irot`), at half its size.
    assert_eq!((with.width, with.height), (3024, 4032));
    assert_eq!((gain.width, gain.height), (1512, 2016));

    // Its samples are the photo's gains: 2^(capacity × v) = 1 + (H − 1) × g, with g and H as
    // heifer reads Apple's gain map (H limited to 4).
    let apple = heifer::hdr::read_gain_map(&heic)
        .expect("read")
        .expect("a gain map");
    assert_eq!((apple.width, apple.height), (gain.width, gain.height));
    let headroom = apple.headroom.min(4.0);
    assert!((f64::from(headroom.log2()) - capacity).abs() < 1e-4);
    let errors: Vec<f64> = apple
        .data
        .iter()
        .zip(gain.rgb.chunks_exact(3))
        .map(|(&g, p)| {
            let stored = 2f64.powf(capacity * f64::from(p[0]) / 255.0);
            let apple = 1.0 + (f64::from(headroom) - 1.0) * f64::from(g);
            (stored - apple).abs()
        })
        .collect();
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    let bright = apple.data.iter().filter(|&&g| g > 0.2).count();
    let max = apple.data.iter().copied().fold(0.0f32, f32::max);
    eprintln!(
        "max gain {max}, above 0.1: {}",
        apple.data.iter().filter(|&&g| g > 0.1).count()
    );
    eprintln!("gain map: mean |error| {mean:.4} (×), {bright} samples above half gain");
    assert!(mean < 0.02, "mean gain error {mean}");
    assert!(
        bright > 1000,
        "a photo with highlights: the check sees real gains"
    );

    // The SDR picture is the one written without the gain map.
    let (sdr, plain) = (jpeg_picture(&with.bytes), jpeg_picture(&without.bytes));
    assert_eq!((sdr.width, sdr.height), (plain.width, plain.height));
    assert!(sdr.rgb == plain.rgb, "the SDR picture changed");
    // Byte for byte: the primary image is the HDR-off JPEG plus the gain map's segments.
    assert!(
        primary_without_gain_map_segments(&with.bytes) == without.bytes,
        "the SDR base is not the HDR-off JPEG plus the gain-map segments"
    );

    // With the setting off there is no gain map to find.
    let path = dir.join("without.jpg");
    std::fs::write(&path, &without.bytes).expect("write");
    let found = gainmap_js(&path);
    assert!(found["iso"].is_null() && found["xmp"].is_null(), "{found}");
    assert!(found["error"].is_string(), "{found}");
    let _ = std::fs::remove_dir_all(&dir);
}
