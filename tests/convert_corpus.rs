//! The conversion core against the shared corpus of real and malformed files.

use std::path::{Path, PathBuf};

use photolift::convert::{convert, sniff_format, Conversion, ConvertError, ConvertOptions, Format};

fn corpus(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Decodes a JPEG to RGB with an independent decoder: (width, height, pixels).
fn decode_jpeg(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(bytes));
    let pixels = decoder
        .decode()
        .expect("photolift wrote a JPEG that does not decode");
    let (width, height) = decoder.dimensions().expect("dimensions after decoding");
    (width, height, pixels)
}

fn converted(bytes: &[u8]) -> photolift::convert::Jpeg {
    match convert(bytes, &ConvertOptions::default()) {
        Ok(Conversion::Converted(jpeg)) => jpeg,
        other => panic!("expected a conversion, got {other:?}"),
    }
}

/// Dimensions of each corpus HEIC after `irot` (checked against `heif-convert`).
const HEIC_SIZES: &[(&str, u32, u32)] = &[
    ("L_exif_xmp_iptc.heic", 64, 64),
    ("RGBA_8__128x128.heif", 128, 128),
    ("RGB_10__128x128.heif", 128, 128),
    ("arrow.heic", 3024, 4032),
    ("aux_YCbCr.heic", 4000, 1848),
    ("cat.hif", 4240, 2832),
    ("colors-no-alpha-thumbnail.heic", 72, 72),
    ("colors-no-alpha.heic", 64, 64),
    ("colors-with-alpha.heic", 64, 64),
    ("empty_icc.heic", 1025, 900),
    ("example.heic", 1280, 854),
    ("pug.heic", 4032, 3024),
    ("rainbow-451x461.heic", 451, 461),
    ("spatial_photo.heic", 2560, 2560),
    ("with-alpha-512x512.heic", 512, 512),
    ("xiaomi.heic", 2592, 1944),
    ("zPug_3.heic", 64, 64),
];

fn assert_converts_to(name: &str, width: u32, height: u32) {
    let jpeg = converted(&read(&corpus("heic").join(name)));
    assert_eq!((jpeg.width, jpeg.height), (width, height), "{name}");
    assert_eq!(jpeg.source, Format::Heic, "{name}");
    let (w, h, pixels) = decode_jpeg(&jpeg.bytes);
    assert_eq!(
        (w as u32, h as u32),
        (width, height),
        "{name}: decoded size"
    );
    assert_eq!(pixels.len(), w * h * 3, "{name}: decoded pixel count");
}

#[test]
fn every_corpus_heic_converts_to_a_jpeg_of_its_size() {
    for &(name, width, height) in HEIC_SIZES {
        assert_converts_to(name, width, height);
    }
}

#[test]
fn the_corpus_table_lists_every_heic_file() {
    let mut listed: Vec<&str> = HEIC_SIZES.iter().map(|(name, ..)| *name).collect();
    listed.push("200MP.heic");
    for entry in std::fs::read_dir(corpus("heic")).expect("corpus/heic") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(
            listed.contains(&name.as_str()),
            "{name} is not in HEIC_SIZES"
        );
    }
}

/// The largest photo a phone makes today (Samsung, 768 tiles): it must convert, not only decode.
#[test]
fn converts_a_200_megapixel_heic() {
    assert_converts_to("200MP.heic", 12240, 16320);
}

#[test]
fn every_malformed_file_is_an_error_not_a_panic() {
    let mut count = 0;
    for entry in std::fs::read_dir(corpus("malformed")).expect("corpus/malformed") {
        let path = entry.expect("entry").path();
        let result = convert(&read(&path), &ConvertOptions::default());
        assert!(result.is_err(), "{} converted: {result:?}", path.display());
        count += 1;
    }
    assert!(count >= 32, "only {count} malformed files found");
}

/// What a user reads about each damaged file names its format and says it is damaged: a `.heic`
/// whose header was destroyed is "This HEIC file is damaged or incomplete", not "not a photo"
/// (known by its signature, or else by its name); a file with neither stays of unknown type.
#[test]
fn every_malformed_heic_is_a_damaged_heic() {
    let mut sentences = Vec::new();
    for entry in std::fs::read_dir(corpus("malformed")).expect("corpus/malformed") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let error = convert(&read(&path), &ConvertOptions::default())
            .unwrap_err()
            .knowing_name(&name);
        let words = photolift::words::convert_error(photolift::words::english(), &error).unwrap();
        if name.ends_with(".heic") {
            assert!(
                matches!(&error, ConvertError::Damaged { format, .. } if format == "HEIC"),
                "{name}: {error:?}"
            );
            assert!(
                words.starts_with("This HEIC file is damaged or incomplete. "),
                "{name}: {words}"
            );
        } else {
            assert_eq!(
                error.code(),
                "not_a_photo",
                "{name} has no photo extension and no photo signature"
            );
        }
        sentences.push(format!("{name}: {words}"));
    }
    assert!(sentences.len() >= 32, "{sentences:#?}");
}

#[test]
fn empty_input_is_refused() {
    let err = convert(&[], &ConvertOptions::default()).unwrap_err();
    assert!(matches!(err, ConvertError::Empty));
}

#[test]
fn truncated_heic_is_damaged() {
    let bytes = read(&corpus("heic/example.heic"));
    for len in [1000, 12, 100, bytes.len() / 2] {
        let err = convert(&bytes[..len], &ConvertOptions::default()).unwrap_err();
        assert!(
            matches!(&err, ConvertError::Damaged { format, .. } if format == "HEIC"),
            "{len} bytes: {err}"
        );
        assert!(
            err.to_string()
                .starts_with("This HEIC file is damaged or incomplete."),
            "{err}"
        );
    }
}

#[test]
fn format_comes_from_bytes_not_names() {
    // The same bytes whatever a file is called: a HEIC saved as ".jpg" is still converted.
    let heic = read(&corpus("heic/example.heic"));
    assert_eq!(sniff_format(&heic), Format::Heic);
    let png = png_bytes(4, 3, image::ColorType::Rgb8);
    assert_eq!(sniff_format(&png), Format::Png);
    let avif = read(&corpus("avif/example.avif"));
    assert_eq!(sniff_format(&avif), Format::Avif);
    let err = convert(&avif, &ConvertOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "AVIF is not supported yet. Save the photo as JPEG or PNG in another app, then add that."
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_60000_square_png_header_is_refused_before_decoding() {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA: 14.4 GB if ever allocated.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let err = convert(&png, &ConvertOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ConvertError::TooLarge {
                width: 60_000,
                height: 60_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "The image is too large: 60000 × 60000 pixels (photolift converts up to 250 megapixels). Make it smaller in a photo app."
    );
}

fn png_bytes(width: u32, height: u32, color: image::ColorType) -> Vec<u8> {
    let image = match color {
        image::ColorType::Rgba8 => {
            image::DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, _| {
                image::Rgba([200, 10, 10, if x == 0 { 0 } else { 255 }])
            }))
        }
        _ => image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 5) as u8, 128])
        })),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

#[test]
fn png_with_alpha_converts_flattened_on_white() {
    let png = png_bytes(32, 16, image::ColorType::Rgba8);
    let jpeg = converted(&png);
    assert_eq!(
        (jpeg.width, jpeg.height, jpeg.source),
        (32, 16, Format::Png)
    );
    let (w, _, pixels) = decode_jpeg(&jpeg.bytes);
    // Column 0 was transparent: white. The rest opaque red.
    let at = |x: usize, y: usize| &pixels[(y * w + x) * 3..(y * w + x) * 3 + 3];
    assert!(at(0, 8).iter().all(|&c| c > 200), "{:?}", at(0, 8));
    let red = at(20, 8);
    assert!(red[0] > 170 && red[1] < 50 && red[2] < 50, "{red:?}");
}

#[test]
fn a_real_jpeg_passes_through_unchanged() {
    let jpeg = converted(&png_bytes(8, 8, image::ColorType::Rgb8));
    match convert(&jpeg.bytes, &ConvertOptions::default()) {
        Ok(Conversion::Unchanged {
            format: Format::Jpeg,
        }) => {}
        other => panic!("expected a pass-through, got {other:?}"),
    }
}

#[test]
fn date_is_rescued_from_the_modification_time_only_when_missing() {
    let options = ConvertOptions {
        last_modified_ms: Some(1_709_210_096_000),
        ..ConvertOptions::default()
    };
    let convert_kept = |bytes: &[u8], options: &ConvertOptions| match convert(bytes, options) {
        Ok(Conversion::Converted(jpeg)) => jpeg.kept,
        other => panic!("{other:?}"),
    };
    // A PNG has no date: rescued.
    let png = png_bytes(8, 8, image::ColorType::Rgb8);
    let kept = convert_kept(&png, &options);
    assert!(kept.exif && kept.date_rescued, "{kept:?}");
    // Unless asked not to.
    let no_rescue = ConvertOptions {
        date_rescue: false,
        ..options.clone()
    };
    assert!(!convert_kept(&png, &no_rescue).date_rescued);
    // pug.heic has a DateTimeOriginal: kept, not replaced.
    let kept = convert_kept(&read(&corpus("heic/pug.heic")), &options);
    assert!(kept.exif && kept.icc && !kept.date_rescued, "{kept:?}");
}
