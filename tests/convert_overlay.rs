//! HEIF overlays (`iovl`): an image composed of other images at offsets on a canvas of a fill
//! colour. photolift must show what libheif shows: an opaque canvas of the fill colour (libheif
//! does not use the fill's alpha), each image blended over it by its own alpha — then, like any
//! picture, flattened on white where the result itself has alpha.
//!
//! No tool here writes overlays, so the test builds one with heifer's writer: two images coded
//! by heifer (an opaque one, and one whose alpha fades from 0 to 255), placed on a larger canvas
//! whose fill is blue and fully transparent, and compares photolift's picture with
//! `heif-convert`'s (libheif 1.15) and pillow-heif's (libheif 1.23).

use heifer::heifer_isobmff::writer::{HeifWriter, ImageSpec};
use heifer::heifer_isobmff::{HeifFile, ItemId};
use photolift::convert::{decode_rgb8, ConvertOptions};

mod common;
use common::reference::{self, luma_psnr, Libheif};

const CANVAS: (u16, u16) = (80, 60);
/// Opaque blue, with an alpha of 0 that libheif ignores.
const FILL: [u16; 4] = [0, 0, 65535, 0];
const BASE: (u32, u32) = (64, 48);
const TOP: (u32, u32) = (32, 32);
/// Where the two images go: the second one half over the first, half over the bare canvas.
const OFFSETS: [(i16, i16); 2] = [(0, 0), (40, 20)];

/// A coded image: its decoder configuration and NAL units, with its alpha plane's if any.
struct Coded {
    config: heifer::heifer_isobmff::boxes::HevcConfig,
    nals: Vec<Vec<u8>>,
    alpha: Option<Box<Coded>>,
}

fn coded_item(file: &HeifFile<'_>, id: ItemId) -> Coded {
    let config = file
        .hevc_config(id)
        .expect("hvcC")
        .expect("a coded item")
        .clone();
    let data = file.item_data(id).expect("item data");
    // Items hold NAL units each after a 4-byte length; the writer adds the lengths again.
    let mut nals = Vec::new();
    let mut rest = &data[..];
    while rest.len() >= 4 {
        let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        nals.push(rest[4..4 + length].to_vec());
        rest = &rest[4 + length..];
    }
    let alpha = file
        .referencing_items(id, b"auxl")
        .first()
        .map(|&aux| Box::new(coded_item(file, aux)));
    Coded {
        config,
        nals,
        alpha,
    }
}

/// `rgba` coded by heifer at high quality.
fn code(width: u32, height: u32, rgba: &[u8]) -> Coded {
    let options = heifer::EncodeOptions {
        quality: 95,
        max_threads: 1,
    };
    let heic = heifer::encode_rgba8(width, height, rgba, &options).expect("encode");
    let file = HeifFile::parse(&heic).expect("parse");
    coded_item(&file, file.primary_id)
}

fn spec<'a>(coded: &'a Coded, (width, height): (u32, u32)) -> ImageSpec<'a> {
    ImageSpec {
        hidden: true,
        ..ImageSpec::new(width, height, coded.config.clone(), &coded.nals)
    }
}

/// The overlay file: the two images, then an `iovl` item placing them on the canvas.
fn overlay_heic() -> Vec<u8> {
    // An opaque base of four colour quadrants.
    let base: Vec<u8> = (0..BASE.0 * BASE.1)
        .flat_map(|i| {
            let (x, y) = (i % BASE.0, i / BASE.0);
            match (x < BASE.0 / 2, y < BASE.1 / 2) {
                (true, true) => [220, 40, 40, 255],
                (false, true) => [40, 200, 40, 255],
                (true, false) => [240, 240, 60, 255],
                (false, false) => [30, 30, 30, 255],
            }
        })
        .collect();
    // A grey-to-white top image whose alpha fades in from left to right.
    let top: Vec<u8> = (0..TOP.0 * TOP.1)
        .flat_map(|i| {
            let (x, y) = (i % TOP.0, i / TOP.0);
            let alpha = (x * 255 / (TOP.0 - 1)) as u8;
            let grey = (128 + y * 127 / (TOP.1 - 1)) as u8;
            [grey, grey, grey, alpha]
        })
        .collect();
    let (base, top) = (code(BASE.0, BASE.1, &base), code(TOP.0, TOP.1, &top));
    assert!(top.alpha.is_some(), "the top image has an alpha plane");

    let mut writer = HeifWriter::new();
    let base_id = writer.add_image(&spec(&base, BASE));
    let top_id = writer.add_image(&spec(&top, TOP));
    let alpha = top.alpha.as_ref().expect("alpha");
    writer.add_alpha(top_id, &spec(alpha, TOP));

    // `iovl` data (ISO/IEC 23008-12): version, flags (16-bit fields), fill colour, canvas size,
    // then each image's offset.
    let mut data = vec![0u8, 0];
    for v in FILL {
        data.extend_from_slice(&v.to_be_bytes());
    }
    data.extend_from_slice(&CANVAS.0.to_be_bytes());
    data.extend_from_slice(&CANVAS.1.to_be_bytes());
    for (x, y) in OFFSETS {
        data.extend_from_slice(&x.to_be_bytes());
        data.extend_from_slice(&y.to_be_bytes());
    }
    // The writer has no overlay item, but its `tmap` item is a derived image with the same
    // shape (item data, `dimg` references to its inputs in order, an `ispe`): written as one,
    // then renamed. The rename touches the item type and the `tmap` brand, nothing else.
    let id = writer.add_tmap(
        base_id,
        top_id,
        u32::from(CANVAS.0),
        u32::from(CANVAS.1),
        None,
        &data,
    );
    writer.set_primary(id);
    let mut heic = writer.finish();
    let mdat = heic
        .windows(4)
        .position(|w| w == b"mdat")
        .expect("an mdat box");
    let mut renamed = 0;
    for at in 0..mdat {
        if &heic[at..at + 4] == b"tmap" {
            heic[at..at + 4].copy_from_slice(b"iovl");
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2, "the item type and the brand");
    heic
}

#[test]
fn an_overlay_with_alpha_is_composed_as_libheif_composes_it() {
    let dir = std::env::temp_dir().join(format!("photolift-overlay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let heic_path = dir.join("overlay.heic");
    std::fs::write(&heic_path, overlay_heic()).expect("write fixture");
    let bytes = std::fs::read(&heic_path).expect("read fixture");

    let (width, height, ours) = decode_rgb8(&bytes, &ConvertOptions::default()).expect("decode");
    assert_eq!((width, height), (80, 60));
    // The bare canvas is the fill colour, opaque: blue, not white.
    let at = |x: u32, y: u32| {
        let i = ((y * width + x) * 3) as usize;
        [ours[i], ours[i + 1], ours[i + 2]]
    };
    let corner = at(76, 4);
    assert!(
        corner[2] > 230 && corner[0] < 20 && corner[1] < 20,
        "canvas {corner:?}"
    );

    for libheif in [Libheif::Debian115, Libheif::Recent123] {
        let want = reference::decode(&heic_path, libheif, &dir.join(format!("{libheif:?}")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((want.width, want.height), (width, height), "{libheif:?}");
        let db = luma_psnr(&ours, &want.rgb);
        eprintln!("overlay: {db:.2} dB luma vs libheif {libheif:?}");
        assert!(db >= 40.0, "{db:.2} dB from libheif {libheif:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
