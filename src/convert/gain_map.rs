//! HDR: an iPhone photo's gain map, kept as an ISO 21496-1 gain map in the JPEG.
//!
//! iPhones (12 and later) store an SDR picture plus a grey "gain map" telling how much brighter
//! each area may be shown on an HDR screen; Apple's method is `hdr = sdr × (1 + (H − 1) × g)` in
//! linear light, with `g` the linearised gain-map sample and `H` the headroom from the MakerNote
//! (heifer reads both: `heifer::read_gain_map`). A JPEG carries the same thing as a second JPEG
//! (the gain map) indexed by MPF, with ISO 21496-1 metadata (Chrome, Android 15, Apple) and the
//! Ultra HDR XMP (`hdrgm:*`, read by older Android and gainmap-js): there the gain is
//! `hdr = (sdr + offset) × 2^G − offset` with `G` the sample mapped from `[0, 1]` to
//! `[GainMapMin, GainMapMax]` in log2 units. So each Apple sample becomes
//! `G = log2(1 + (H − 1) × g)`, stored as `G / log2 H` over `[0, log2 H]`, with gamma 1 and
//! offsets 0: the same HDR picture, and the SDR picture untouched.
//!
//! The headroom is limited to heifer's `APPLE_MAX_HEADROOM` (4, two stops), the limit Apple's own
//! decoder applies, so an HDR screen shows what an iPhone shows. Files with only an ISO 21496-1
//! `tmap` item and no Apple gain map (no camera in the corpus writes one) keep their SDR picture.

use image::metadata::Orientation;

use super::error::ConvertError;
use super::orientation;

/// A gain map ready to be coded: 8-bit grey samples, upright like its picture, over
/// `[0, max_log2]` (log2 gain), gamma 1, no offsets.
pub(crate) struct GainMap {
    pub width: u32,
    pub height: u32,
    pub grey: Vec<u8>,
    /// log2 of the headroom: the gain of a white sample, and the HDR capacity.
    pub max_log2: f32,
}

/// The Apple gain map of a HEIC, re-expressed as above and turned by `turn` like its picture.
/// `None` when the file has none (or one that cannot be read: the SDR photo still converts).
pub(crate) fn from_heic(
    bytes: &[u8],
    max_pixels: u64,
    turn: Orientation,
) -> Result<Option<GainMap>, ConvertError> {
    let options = heifer::Options {
        max_threads: 1,
        max_pixels,
    };
    let Ok(Some(map)) = heifer::hdr::read_gain_map_with_options(bytes, &options) else {
        return Ok(None);
    };
    let headroom = map.headroom.min(heifer::hdr::APPLE_MAX_HEADROOM);
    if headroom.is_nan()
        || headroom <= 1.0
        || map.data.len() != map.width as usize * map.height as usize
    {
        return Ok(None);
    }
    let max_log2 = headroom.log2();
    let grey = map
        .data
        .iter()
        .map(|&g| {
            let log_gain = (1.0f32 + (headroom - 1.0) * g.clamp(0.0, 1.0)).log2();
            (log_gain / max_log2 * 255.0).round().clamp(0.0, 255.0) as u8
        })
        .collect();
    let (grey, width, height) = orientation::turn_grey_upright(grey, map.width, map.height, turn)?;
    Ok(Some(GainMap {
        width,
        height,
        grey,
        max_log2,
    }))
}

/// ISO 21496-1 segment namespace (APP2), followed by the metadata.
pub(crate) const ISO_NAMESPACE: &[u8] = b"urn:iso:std:iso:ts:21496:-1\0";

/// The primary image's ISO 21496-1 payload: versions only, saying "a gain map follows".
pub(crate) const ISO_VERSION_ONLY: [u8; 4] = [0, 0, 0, 0];

/// The gain map image's ISO 21496-1 metadata: one channel, in the base image's colour space,
/// SDR base (headroom log2 0) and HDR alternate (headroom `max_log2`), fractions over 10⁶.
pub(crate) fn iso_metadata(max_log2: f32) -> Vec<u8> {
    const DENOMINATOR: u32 = 1_000_000;
    let fraction = |value: f32| -> [u8; 8] {
        let numerator = (f64::from(value) * f64::from(DENOMINATOR)).round() as i32;
        let mut out = [0; 8];
        out[..4].copy_from_slice(&numerator.to_be_bytes());
        out[4..].copy_from_slice(&DENOMINATOR.to_be_bytes());
        out
    };
    let mut out = ISO_VERSION_ONLY.to_vec();
    out.push(1 << 6); // single channel, use_base_colour_space
    out.extend(fraction(0.0)); // base_hdr_headroom
    out.extend(fraction(max_log2)); // alternate_hdr_headroom
    out.extend(fraction(0.0)); // gain_map_min
    out.extend(fraction(max_log2)); // gain_map_max
    out.extend(fraction(1.0)); // gamma
    out.extend(fraction(0.0)); // base_offset
    out.extend(fraction(0.0)); // alternate_offset
    out
}

const XMP_START: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">"#;
const XMP_END: &str = "</rdf:RDF></x:xmpmeta>";

/// The gain map image's Ultra HDR XMP packet (the same values as [`iso_metadata`]).
pub(crate) fn gain_map_xmp(max_log2: f32) -> Vec<u8> {
    format!(
        r#"{XMP_START}<rdf:Description rdf:about="" xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/" hdrgm:Version="1.0" hdrgm:GainMapMin="0" hdrgm:GainMapMax="{max_log2}" hdrgm:Gamma="1" hdrgm:OffsetSDR="0" hdrgm:OffsetHDR="0" hdrgm:HDRCapacityMin="0" hdrgm:HDRCapacityMax="{max_log2}" hdrgm:BaseRenditionIsHDR="False"/>{XMP_END}"#
    )
    .into_bytes()
}

/// The primary image's XMP with the Ultra HDR container directory (primary image, then a gain
/// map of `gain_map_len` bytes) added: to the photo's own packet when it has one (as one more
/// `rdf:Description`), else as a packet of its own.
pub(crate) fn primary_xmp(own: Option<&[u8]>, gain_map_len: usize) -> Vec<u8> {
    let description = format!(
        r#"<rdf:Description rdf:about="" xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" hdrgm:Version="1.0"><Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg"/></rdf:li><rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="GainMap" Item:Mime="image/jpeg" Item:Length="{gain_map_len}"/></rdf:li></rdf:Seq></Container:Directory></rdf:Description>"#
    );
    let closing = b"</rdf:RDF>";
    if let Some(own) = own {
        if let Some(at) = own.windows(closing.len()).rposition(|w| w == closing) {
            let mut merged = own[..at].to_vec();
            merged.extend_from_slice(description.as_bytes());
            merged.extend_from_slice(&own[at..]);
            return merged;
        }
    }
    format!("{XMP_START}{description}{XMP_END}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_metadata_reads_back_as_written() {
        let data = iso_metadata(2.0);
        assert_eq!(data.len(), 5 + 16 + 40);
        let fraction = |at: usize| {
            let n = i32::from_be_bytes(data[at..at + 4].try_into().unwrap());
            let d = u32::from_be_bytes(data[at + 4..at + 8].try_into().unwrap());
            f64::from(n) / f64::from(d)
        };
        assert_eq!(data[4], 0x40);
        assert_eq!([fraction(5), fraction(13)], [0.0, 2.0]); // headrooms
        assert_eq!([fraction(21), fraction(29), fraction(37)], [0.0, 2.0, 1.0]);
    }

    #[test]
    fn the_container_joins_the_photo_s_own_xmp() {
        let own = br#"<x:xmpmeta><rdf:RDF><rdf:Description a="1"/></rdf:RDF></x:xmpmeta>"#;
        let merged = String::from_utf8(primary_xmp(Some(own), 1234)).unwrap();
        assert!(
            merged.starts_with(r#"<x:xmpmeta><rdf:RDF><rdf:Description a="1"/><rdf:Description"#)
        );
        assert!(merged.contains(r#"Item:Length="1234""#));
        assert!(merged.ends_with("</rdf:RDF></x:xmpmeta>"));
        let alone = String::from_utf8(primary_xmp(None, 7)).unwrap();
        assert!(alone.starts_with("<x:xmpmeta") && alone.contains(r#"Item:Length="7""#));
    }
}
