//! Reference decodes of HEIF files by libheif, for tests that compare photolift's pictures with
//! what other software shows: Debian's `heif-convert` (libheif 1.15) where it reads the file, and
//! a recent libheif (1.23, bundled in PyPI's pillow-heif) for the files 1.15 cannot read. The
//! latter lives in a virtual environment that `./build.sh` installs (`tests/reference/install.sh`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Which libheif decodes the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Libheif {
    /// Debian's `heif-convert`, libheif 1.15.
    Debian115,
    /// pillow-heif's libheif 1.23, for files 1.15 cannot open or decodes to nothing.
    Recent123,
}

/// 8-bit RGB pixels, row by row.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// The Python of the virtual environment holding the recent libheif.
fn reference_python() -> PathBuf {
    if let Some(python) = std::env::var_os("PHOTOLIFT_REFERENCE_PYTHON") {
        return python.into();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reference-venv/bin/python")
}

/// The picture libheif shows for `heic` (its primary image, `clap`/`irot`/`imir` applied),
/// flattened on white like photolift's. `dir` is a scratch folder of the caller's own.
pub fn decode(heic: &Path, libheif: Libheif, dir: &Path) -> Result<Picture, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let png = dir.join("reference.png");
    let _ = std::fs::remove_file(&png);
    let mut command = match libheif {
        Libheif::Debian115 => Command::new("heif-convert"),
        Libheif::Recent123 => {
            let python = reference_python();
            assert!(
                python.exists(),
                "the reference libheif is not installed at {}: `./build.sh test` installs it \
                 (tests/reference/install.sh)",
                python.display()
            );
            let mut command = Command::new(python);
            command.arg(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/libheif_decode.py"),
            );
            command
        }
    };
    let output = command
        .arg(heic)
        .arg(&png)
        .output()
        .map_err(|e| format!("{libheif:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{libheif:?} cannot decode it: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    // heif-convert 1.15 exits 0 but writes an empty file for some pictures it cannot convert,
    // and writes NAME-1.png, NAME-2.png… for files with several images: both are refused here.
    let image = image::open(&png).map_err(|e| format!("{libheif:?} wrote no picture: {e}"))?;
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(Picture {
        width,
        height,
        rgb: flatten_on_white(rgba.as_raw()),
    })
}

/// RGBA over white, rounded as photolift rounds it.
pub fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u32::from(p[3]);
            [0, 1, 2].map(|c| ((u32::from(p[c]) * a + 255 * (255 - a) + 127) / 255) as u8)
        })
        .collect()
}

/// PSNR of Y' = 0.299 R + 0.587 G + 0.114 B (BT.601) between two pictures of the same size.
/// Luma, because decoders legitimately upsample 4:2:0 chroma differently (README).
pub fn luma_psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "pictures of different sizes");
    let luma =
        |p: &[u8]| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]);
    let squared: f64 = a
        .chunks_exact(3)
        .zip(b.chunks_exact(3))
        .map(|(x, y)| (luma(x) - luma(y)).powi(2))
        .sum();
    let mse = squared / (a.len() / 3) as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}

/// The picture turned 90° clockwise, as EXIF Orientation 6 asks a viewer to show it. Written
/// here rather than borrowed from the code under test.
pub fn turned_clockwise(picture: &Picture) -> Picture {
    let (w, h) = (picture.width as usize, picture.height as usize);
    let mut rgb = vec![0; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            // Source (x, y) lands at column h-1-y, row x of a picture h wide.
            let to = (x * h + (h - 1 - y)) * 3;
            let from = (y * w + x) * 3;
            rgb[to..to + 3].copy_from_slice(&picture.rgb[from..from + 3]);
        }
    }
    Picture {
        width: picture.height,
        height: picture.width,
        rgb,
    }
}

/// A JPEG's pixels, read by an independent decoder (zune-jpeg).
pub fn jpeg_picture(jpeg: &[u8]) -> Picture {
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg));
    let rgb = decoder.decode().expect("photolift's JPEG decodes");
    let (width, height) = decoder.dimensions().expect("dimensions after decoding");
    Picture {
        width: width as u32,
        height: height as u32,
        rgb,
    }
}
