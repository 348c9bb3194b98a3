//! Which way up a photo is shown: decided here, once, for every format.
//!
//! THE RULE (README, "Conversion choices"): the JPEG shows the photo as its owner's device shows
//! it, with upright pixels and EXIF Orientation 1.
//! - A HEIF whose image carries its own transform (`irot` rotation and/or `imir` mirror) is
//!   shown with that transform, which heifer applies while decoding. Its EXIF Orientation is not
//!   applied on top: phones that write both (iPhone 12 and later, Samsung S10+) make them say the
//!   same thing, and libheif ignores the EXIF tag too.
//! - Any other photo is turned by its EXIF Orientation: a HEIF without `irot`/`imir` (iPhone 7
//!   Plus on iOS 11 and Samsung S24 FE store the camera's sideways pixels and say Orientation 6
//!   only in EXIF, and the phone shows them upright), PNG `eXIf`, WebP `EXIF`, TIFF's own
//!   Orientation tag. GIF and BMP carry none.
//!
//! `decode.rs` asks [`to_apply`] what is left to do after decoding and calls [`turn_upright`];
//! `exif.rs` and `metadata.rs` then write Orientation 1, so no viewer turns the pixels again.

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};

use super::error::ConvertError;

/// What remains to be applied to the decoded pixels: nothing when the container's own transform
/// was applied by the decoder, else the EXIF Orientation (1–8; anything else means none).
pub(crate) fn to_apply(container_transform: bool, exif_orientation: Option<u16>) -> Orientation {
    if container_transform {
        return Orientation::NoTransforms;
    }
    exif_orientation
        .and_then(|value| u8::try_from(value).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms)
}

/// Packed 8-bit RGB turned by `orientation`, with its new width and height.
pub(crate) fn turn_upright(
    rgb: Vec<u8>,
    width: u32,
    height: u32,
    orientation: Orientation,
) -> Result<(Vec<u8>, u32, u32), ConvertError> {
    if orientation == Orientation::NoTransforms {
        return Ok((rgb, width, height));
    }
    let buffer = RgbImage::from_raw(width, height, rgb).ok_or_else(|| ConvertError::Encode {
        detail: "decoded pixels do not match the image size".into(),
    })?;
    let mut image = DynamicImage::ImageRgb8(buffer);
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    Ok((image.into_rgb8().into_raw(), width, height))
}

/// Packed 8-bit grey (a gain map) turned the same way as its picture.
pub(crate) fn turn_grey_upright(
    grey: Vec<u8>,
    width: u32,
    height: u32,
    orientation: Orientation,
) -> Result<(Vec<u8>, u32, u32), ConvertError> {
    if orientation == Orientation::NoTransforms {
        return Ok((grey, width, height));
    }
    let buffer = GrayImage::from_raw(width, height, grey).ok_or_else(|| ConvertError::Encode {
        detail: "decoded gain map does not match its size".into(),
    })?;
    let mut image = DynamicImage::ImageLuma8(buffer);
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    Ok((image.into_luma8().into_raw(), width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_transform_wins_over_exif() {
        assert_eq!(to_apply(true, Some(6)), Orientation::NoTransforms);
        assert_eq!(to_apply(false, Some(6)), Orientation::Rotate90);
        assert_eq!(to_apply(false, Some(8)), Orientation::Rotate270);
        assert_eq!(to_apply(false, None), Orientation::NoTransforms);
        // Out of range values are no orientation at all.
        assert_eq!(to_apply(false, Some(0)), Orientation::NoTransforms);
        assert_eq!(to_apply(false, Some(9)), Orientation::NoTransforms);
        assert_eq!(to_apply(false, Some(262)), Orientation::NoTransforms);
    }

    #[test]
    fn orientation_6_turns_a_sideways_picture_clockwise() {
        // 2×1 stored: red, blue. Orientation 6 shows it turned 90° clockwise: 1×2, red on top.
        let rgb = vec![255, 0, 0, 0, 0, 255];
        let (out, w, h) = turn_upright(rgb, 2, 1, Orientation::Rotate90).unwrap();
        assert_eq!((w, h), (1, 2));
        assert_eq!(out, vec![255, 0, 0, 0, 0, 255]);
        // Orientation 8 turns it anticlockwise: blue on top.
        let (out, _, _) =
            turn_upright(vec![255, 0, 0, 0, 0, 255], 2, 1, Orientation::Rotate270).unwrap();
        assert_eq!(out, vec![0, 0, 255, 255, 0, 0]);
    }
}
