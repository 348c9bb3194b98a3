//! EXIF for the output JPEG: the source's block with Orientation set to 1 (pixels are rotated
//! upright before encoding, for every format, so no viewer must rotate them again), shrunk to
//! fit one APP1 segment when it is too big, and given a capture date when it has none.
//!
//! Two strategies, the first preferred because it keeps every byte the camera wrote:
//! - patch in place: the original TIFF block with only the Orientation value changed;
//! - rewrite (with `kamadak-exif`): keep IFD0's descriptive tags, the Exif IFD, the GPS IFD and
//!   the Interop IFD; drop the MakerNote (its internal offsets break once moved, and it is what
//!   makes blocks like `xiaomi.heic`'s 192 KB) and the thumbnail IFD. Used when the block does
//!   not fit, when a date must be added, and for TIFF sources (whose IFD0 describes the TIFF's
//!   own pixel layout).

use exif::experimental::Writer;
use exif::{Context, Field, In, Tag, Value};

/// Payload room in one APP1 segment after the "Exif\0\0" header (65,535 − 2 length − 6).
pub(crate) const MAX_EXIF_TIFF_BYTES: usize = 65_527;

/// What to do to the source EXIF.
pub(crate) struct ExifRequest<'a> {
    /// The source TIFF block (starting `II*\0` or `MM\0*`), if any.
    pub source: Option<&'a [u8]>,
    /// True when `source` is a whole TIFF file rather than an EXIF block.
    pub source_is_tiff_file: bool,
    /// Capture time to add when the source has no DateTimeOriginal (ms since the Unix epoch, UTC).
    pub rescue_date_ms: Option<i64>,
    /// Size of the output image, for PixelXDimension/PixelYDimension when rewriting.
    pub width: u32,
    pub height: u32,
}

/// The EXIF block to write and what happened to it.
#[derive(Debug, Default)]
pub(crate) struct PreparedExif {
    pub tiff: Option<Vec<u8>>,
    pub date_rescued: bool,
}

/// Builds the output EXIF. Never fails: EXIF that cannot be read is left out rather than
/// stopping a conversion.
pub(crate) fn prepare_exif(request: &ExifRequest<'_>) -> PreparedExif {
    let parsed = request.source.and_then(parse_fields);
    let has_original_date = parsed
        .as_ref()
        .is_some_and(|fields| fields.iter().any(|f| f.tag == Tag::DateTimeOriginal));
    let rescue_date = request
        .rescue_date_ms
        .filter(|_| !has_original_date)
        .and_then(exif_date_time);

    if let (Some(source), None, false) = (request.source, &rescue_date, request.source_is_tiff_file)
    {
        if source.len() <= MAX_EXIF_TIFF_BYTES {
            if let Some(patched) = with_orientation_upright(source) {
                return PreparedExif {
                    tiff: Some(patched),
                    date_rescued: false,
                };
            }
        }
    }

    let mut fields: Vec<Field> = parsed
        .unwrap_or_default()
        .into_iter()
        .filter(keep_when_rewriting)
        .collect();
    if fields.is_empty() && rescue_date.is_none() {
        return PreparedExif::default();
    }
    set_field(&mut fields, Tag::Orientation, Value::Short(vec![1]));
    if fields.iter().any(|f| f.tag.context() == Context::Exif) {
        set_field(
            &mut fields,
            Tag::PixelXDimension,
            Value::Long(vec![request.width]),
        );
        set_field(
            &mut fields,
            Tag::PixelYDimension,
            Value::Long(vec![request.height]),
        );
    }
    let date_rescued = rescue_date.is_some();
    if let Some(date) = rescue_date {
        let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
        set_field(&mut fields, Tag::DateTimeOriginal, ascii(&date));
        if !fields.iter().any(|f| f.tag == Tag::DateTime) {
            set_field(&mut fields, Tag::DateTime, ascii(&date));
        }
        set_field(&mut fields, Tag::OffsetTimeOriginal, ascii("+00:00"));
    }
    let little_endian = request.source.is_none_or(|s| s.starts_with(b"II"));
    let tiff = write_fitting(fields, little_endian);
    PreparedExif {
        date_rescued: date_rescued && tiff.is_some(),
        tiff,
    }
}

/// The primary image's Orientation tag (IFD0), if the block has a readable one.
pub(crate) fn orientation_tag(tiff: &[u8]) -> Option<u16> {
    parse_fields(tiff)?
        .iter()
        .find(|f| f.tag == Tag::Orientation && f.ifd_num == In::PRIMARY)?
        .value
        .get_uint(0)
        .and_then(|v| u16::try_from(v).ok())
}

/// True when the EXIF block has a DateTimeOriginal tag.
#[cfg(test)]
pub(crate) fn has_date_time_original(tiff: &[u8]) -> bool {
    parse_fields(tiff).is_some_and(|fields| fields.iter().any(|f| f.tag == Tag::DateTimeOriginal))
}

fn parse_fields(tiff: &[u8]) -> Option<Vec<Field>> {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let exif = match reader.read_raw(tiff.to_vec()) {
        Ok(exif) => exif,
        // Keep what could be read of a partly broken block.
        Err(e) => e.distill_partial_result(|_| {}).ok()?,
    };
    Some(exif.fields().cloned().collect())
}

/// The primary image's descriptive tags, Exif, GPS and Interop; nothing that describes a pixel
/// layout or points at data left behind.
fn keep_when_rewriting(field: &Field) -> bool {
    if field.ifd_num != In::PRIMARY || field.tag == Tag::MakerNote {
        return false;
    }
    match field.tag.context() {
        Context::Exif | Context::Gps | Context::Interop => true,
        Context::Tiff => {
            [
            Tag::Make,
            Tag::Model,
            Tag::Orientation,
            Tag::XResolution,
            Tag::YResolution,
            Tag::ResolutionUnit,
            Tag::Software,
            Tag::DateTime,
            Tag::Artist,
            Tag::Copyright,
            Tag::ImageDescription,
            Tag::YCbCrPositioning,
        ]
        .contains(&field.tag)
            // HostComputer (0x013C) has no constant in kamadak-exif.
            || field.tag == Tag(Context::Tiff, 0x013C)
        }
        _ => false,
    }
}

fn set_field(fields: &mut Vec<Field>, tag: Tag, value: Value) {
    fields.retain(|f| f.tag != tag);
    fields.push(Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    });
}

/// Writes the fields; while the result is too big for one APP1 segment, drops the largest
/// field that is not essential to a photo library (dates, camera, GPS, orientation).
fn write_fitting(mut fields: Vec<Field>, little_endian: bool) -> Option<Vec<u8>> {
    loop {
        let tiff = write_fields(&fields, little_endian)?;
        if tiff.len() <= MAX_EXIF_TIFF_BYTES {
            return Some(tiff);
        }
        let largest = fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !is_essential(f))
            .max_by_key(|(_, f)| value_size(&f.value))
            .map(|(i, _)| i)?;
        fields.swap_remove(largest);
    }
}

fn write_fields(fields: &[Field], little_endian: bool) -> Option<Vec<u8>> {
    let mut writer = Writer::new();
    for field in fields {
        writer.push_field(field);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    writer.write(&mut out, little_endian).ok()?;
    Some(out.into_inner())
}

fn is_essential(field: &Field) -> bool {
    field.tag.context() == Context::Gps
        || [
            Tag::Make,
            Tag::Model,
            Tag::Orientation,
            Tag::DateTime,
            Tag::DateTimeOriginal,
            Tag::DateTimeDigitized,
            Tag::OffsetTime,
            Tag::OffsetTimeOriginal,
            Tag::OffsetTimeDigitized,
            Tag::SubSecTimeOriginal,
        ]
        .contains(&field.tag)
}

fn value_size(value: &Value) -> usize {
    match value {
        Value::Byte(v) | Value::Undefined(v, _) => v.len(),
        Value::SByte(v) => v.len(),
        Value::Ascii(v) => v.iter().map(Vec::len).sum(),
        Value::Short(v) => v.len() * 2,
        Value::SShort(v) => v.len() * 2,
        Value::Long(v) => v.len() * 4,
        Value::SLong(v) => v.len() * 4,
        Value::Float(v) => v.len() * 4,
        Value::Rational(v) => v.len() * 8,
        Value::SRational(v) => v.len() * 8,
        Value::Double(v) => v.len() * 8,
        Value::Unknown(_, count, _) => *count as usize,
    }
}

/// A copy of the block with IFD0's Orientation set to 1, or `None` if the block is not TIFF.
/// An Orientation stored other than as one SHORT is left alone (it cannot be valid anyway).
pub(crate) fn with_orientation_upright(tiff: &[u8]) -> Option<Vec<u8>> {
    let big_endian = match tiff.get(..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let mut out = tiff.to_vec();
    let ifd0 = u32_at(4)? as usize;
    let entries = usize::from(u16_at(ifd0)?);
    for i in 0..entries {
        let Some(entry) = (12 * i).checked_add(ifd0 + 2) else {
            break;
        };
        if u16_at(entry) == Some(0x0112)
            && u16_at(entry + 2) == Some(3)
            && u32_at(entry + 4) == Some(1)
        {
            let one = if big_endian { [0, 1] } else { [1, 0] };
            out.get_mut(entry + 8..entry + 10)?.copy_from_slice(&one);
            break;
        }
    }
    Some(out)
}

/// "YYYY:MM:DD HH:MM:SS" in UTC for a time in ms since the Unix epoch; `None` outside years
/// 1..=9999, which EXIF cannot write.
pub(crate) fn exif_date_time(ms: i64) -> Option<String> {
    let seconds = ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = crate::calendar::civil_from_days(days);
    if !(1..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}:{month:02}:{day:02} {:02}:{:02}:{:02}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times_as_exif_dates_in_utc() {
        assert_eq!(exif_date_time(0).as_deref(), Some("1970:01:01 00:00:00"));
        assert_eq!(
            exif_date_time(1_709_210_096_789).as_deref(),
            Some("2024:02:29 12:34:56")
        );
        assert_eq!(
            exif_date_time(-1000).as_deref(),
            Some("1969:12:31 23:59:59")
        );
        assert_eq!(exif_date_time(i64::MAX), None);
    }

    #[test]
    fn rescues_a_date_into_an_empty_exif() {
        let prepared = prepare_exif(&ExifRequest {
            source: None,
            source_is_tiff_file: false,
            rescue_date_ms: Some(1_709_210_096_789),
            width: 10,
            height: 20,
        });
        assert!(prepared.date_rescued);
        let tiff = prepared.tiff.expect("an EXIF block");
        assert!(has_date_time_original(&tiff));
    }

    #[test]
    fn garbage_exif_is_dropped_not_fatal() {
        let prepared = prepare_exif(&ExifRequest {
            source: Some(b"II*\0\xff\xff\xff\xff"),
            source_is_tiff_file: false,
            rescue_date_ms: None,
            width: 1,
            height: 1,
        });
        assert!(!prepared.date_rescued);
    }
}
