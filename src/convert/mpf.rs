//! Two JPEGs in one file, as gain-map JPEGs store their gain map: the primary image gets an
//! MPF (CIPA DC-007 Multi-Picture Format) index in APP2 pointing at the second JPEG, which is
//! appended after the primary's end. Viewers that know nothing of it show the primary image.

use super::gain_map::{ISO_NAMESPACE, ISO_VERSION_ONLY};

/// The MPF APP2 segment: "MPF\0", then a little-endian TIFF header and one IFD (version, number
/// of images, the two image entries). Its size is fixed, so the entries can be filled in once the
/// primary image's final size is known.
const MPF_SEGMENT_LEN: usize = 2 + 2 + 4 + MPF_TIFF_LEN;
const MPF_TIFF_LEN: usize = 8 + 2 + 3 * 12 + 4 + 2 * 16;

/// `primary` with `secondary` appended and indexed; also marks the primary as the base of an
/// ISO 21496-1 gain map (a versions-only ISO segment). `None` if `primary` is not a JPEG with
/// its APP segments where an encoder puts them.
pub(crate) fn join(primary: &[u8], secondary: &[u8]) -> Option<Vec<u8>> {
    // The new segments go after the encoder's APP segments (JFIF, EXIF, XMP, ICC).
    let mut at = 2;
    while primary.get(at) == Some(&0xFF) && (0xE0..=0xEF).contains(primary.get(at + 1)?) {
        let length = usize::from(u16::from_be_bytes([
            *primary.get(at + 2)?,
            *primary.get(at + 3)?,
        ]));
        at += 2 + length;
    }
    if primary.get(..2)? != [0xFF, 0xD8] || at > primary.len() {
        return None;
    }
    let mut iso = vec![0xFF, 0xE2];
    let iso_len = 2 + ISO_NAMESPACE.len() + ISO_VERSION_ONLY.len();
    iso.extend_from_slice(&(iso_len as u16).to_be_bytes());
    iso.extend_from_slice(ISO_NAMESPACE);
    iso.extend_from_slice(&ISO_VERSION_ONLY);

    let primary_len = primary.len() + iso.len() + MPF_SEGMENT_LEN;
    // MPF offsets count from the TIFF header, which follows the segment's marker, length and
    // "MPF\0".
    let tiff_at = at + iso.len() + 8;
    let mpf = mpf_segment(
        u32::try_from(primary_len).ok()?,
        u32::try_from(secondary.len()).ok()?,
        u32::try_from(primary_len - tiff_at).ok()?,
    );

    let mut out = Vec::with_capacity(primary_len + secondary.len());
    out.extend_from_slice(&primary[..at]);
    out.extend_from_slice(&iso);
    out.extend_from_slice(&mpf);
    out.extend_from_slice(&primary[at..]);
    out.extend_from_slice(secondary);
    Some(out)
}

fn mpf_segment(primary_len: u32, secondary_len: u32, secondary_offset: u32) -> Vec<u8> {
    let mut out = vec![0xFF, 0xE2];
    out.extend_from_slice(&((MPF_SEGMENT_LEN - 2) as u16).to_be_bytes());
    out.extend_from_slice(b"MPF\0");
    out.extend_from_slice(b"II*\0");
    out.extend_from_slice(&8u32.to_le_bytes()); // the IFD follows the header
    out.extend_from_slice(&3u16.to_le_bytes());
    let entry = |out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value);
    };
    const UNDEFINED: u16 = 7;
    const LONG: u16 = 4;
    entry(&mut out, 0xB000, UNDEFINED, 4, *b"0100"); // MPFVersion
    entry(&mut out, 0xB001, LONG, 1, 2u32.to_le_bytes()); // NumberOfImages
    let entries_at = 8 + 2 + 3 * 12 + 4;
    entry(
        &mut out,
        0xB002,
        UNDEFINED,
        32,
        (entries_at as u32).to_le_bytes(),
    ); // MPEntry
    out.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
                                                // Primary: JPEG, "baseline MP primary image", at offset 0 by definition.
    for (attribute, size, offset) in [
        (0x0003_0000u32, primary_len, 0),
        (0, secondary_len, secondary_offset),
    ] {
        out.extend_from_slice(&attribute.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // no dependent images
    }
    debug_assert_eq!(out.len(), MPF_SEGMENT_LEN);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_points_at_the_appended_image() {
        // SOI, one APP0 of 4 bytes, then "image data" and EOI.
        let primary = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xDB, 9, 0xFF, 0xD9,
        ];
        let secondary = [0xFF, 0xD8, 7, 0xFF, 0xD9];
        let joined = join(&primary, &secondary).expect("joined");
        let primary_len = joined.len() - secondary.len();
        assert_eq!(&joined[primary_len..], &secondary);
        let mpf = joined.windows(4).position(|w| w == b"MPF\0").unwrap();
        let tiff = mpf + 4;
        let u32_at = |at: usize| u32::from_le_bytes(joined[at..at + 4].try_into().unwrap());
        let entries = tiff + 8 + 2 + 3 * 12 + 4;
        assert_eq!(u32_at(entries + 4) as usize, primary_len);
        assert_eq!(u32_at(entries + 16 + 4) as usize, secondary.len());
        assert_eq!(tiff + u32_at(entries + 16 + 8) as usize, primary_len);
        // The APP0 stays first; the image data follows the new segments unchanged.
        assert_eq!(&joined[..8], &primary[..8]);
        assert_eq!(&joined[primary_len - 5..primary_len], &primary[8..]);
    }
}
