//! The upload memory, packed: what photolift uploaded before, as 34 bytes a photo (the 32 bytes of
//! its SHA-256 content key and the day it went up), so that a lifetime of photos (a million and
//! more) fits in storage and in the panel's memory. The web shell stores runs of records as
//! base64 strings ([`encode_base64`]); a million photos are 34 MB in memory and 45 MB stored.

use super::calendar::{utc_date_from_ms, utc_ms_from_date};
use super::error::QueueError;

const DAY_MS: u64 = 86_400_000;

/// One remembered upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RememberedUpload {
    /// The SHA-256 of the original file's bytes (the content key, as bytes).
    pub key: [u8; 32],
    /// The day it went up: days since 1970-01-01 (UTC).
    pub day: u16,
}

impl RememberedUpload {
    /// Bytes of one packed record.
    pub const BYTES: usize = 34;

    /// From a hex content key and a `YYYY-MM-DD` date (as the memory always held them).
    pub fn new(key: &str, date: &str) -> Result<RememberedUpload, QueueError> {
        let invalid = || QueueError::InvalidContentKey(format!("{key} uploaded on {date}"));
        let day = utc_ms_from_date(date)
            .and_then(|ms| u16::try_from(ms / DAY_MS).ok())
            .ok_or_else(invalid)?;
        let key = key_bytes(key).ok_or_else(invalid)?;
        Ok(RememberedUpload { key, day })
    }

    /// The content key as photolift writes it (lower-case hex).
    pub fn key_hex(&self) -> String {
        key_hex(&self.key)
    }

    /// The day as `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        day_date(self.day)
    }
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01, UTC).
pub fn day_date(day: u16) -> String {
    utc_date_from_ms(u64::from(day) * DAY_MS)
}

/// The 32 bytes of a hex SHA-256 (either case); `None` when it is not one.
pub fn key_bytes(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut key = [0; 32];
    for (byte, pair) in key.iter_mut().zip(hex.chunks(2)) {
        let digit = |c: u8| (c as char).to_digit(16);
        *byte = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(key)
}

/// Lower-case hex of a key.
pub fn key_hex(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `records` packed (key, then the day big-endian) to `out`.
pub fn pack(records: &[RememberedUpload], out: &mut Vec<u8>) {
    out.reserve(records.len() * RememberedUpload::BYTES);
    for record in records {
        out.extend_from_slice(&record.key);
        out.extend_from_slice(&record.day.to_be_bytes());
    }
}

/// The records packed in `bytes`; a cut-off record at the end is ignored.
pub fn unpack(bytes: &[u8]) -> impl Iterator<Item = RememberedUpload> + '_ {
    bytes
        .chunks_exact(RememberedUpload::BYTES)
        .map(|record| RememberedUpload {
            key: record[..32].try_into().expect("32 bytes"),
            day: u16::from_be_bytes([record[32], record[33]]),
        })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Each byte's value in [`ALPHABET`], 0xFF for bytes outside it.
const DECODE: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` on any other character.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let value = |c: u8| match DECODE[usize::from(c)] {
        0xFF => None,
        v => Some(u32::from(v)),
    };
    for group in text.chunks(4) {
        if group.len() == 1 {
            return None;
        }
        let mut n = 0;
        for (i, &c) in group.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        for i in 0..group.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn a_record_keeps_its_key_and_day() {
        let record = RememberedUpload::new(&KEY.to_ascii_uppercase(), "2026-11-20").unwrap();
        assert_eq!(record.key_hex(), KEY);
        assert_eq!(record.date(), "2026-11-20");
        assert_eq!(day_date(0), "1970-01-01");
        assert!(RememberedUpload::new("abc", "2026-11-20").is_err());
        assert!(RememberedUpload::new(KEY, "yesterday").is_err());
    }

    #[test]
    fn records_pack_to_34_bytes_and_back() {
        let records: Vec<RememberedUpload> = (0..5u8)
            .map(|n| RememberedUpload {
                key: [n; 32],
                day: 20_000 + u16::from(n),
            })
            .collect();
        let mut packed = Vec::new();
        pack(&records, &mut packed);
        assert_eq!(packed.len(), 5 * 34);
        packed.push(7); // a cut-off record
        assert_eq!(unpack(&packed).collect::<Vec<_>>(), records);
    }

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..70usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode_base64(&bytes);
            assert_eq!(text.len(), len.div_ceil(3) * 4);
            assert_eq!(decode_base64(&text).unwrap(), bytes, "length {len}");
        }
        assert_eq!(encode_base64(b"photolift"), "cGhvdG9saWZ0");
        assert_eq!(encode_base64(b"ab"), "YWI=");
        // Padding of every group length, and a JPEG's first bytes (a row thumbnail's data: URL).
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"f"), "Zg==");
        assert_eq!(encode_base64(b"fo"), "Zm8=");
        assert_eq!(encode_base64(b"foo"), "Zm9v");
        assert_eq!(encode_base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode_base64(&[0xff, 0xd8, 0xff, 0xe0]), "/9j/4A==");
        assert_eq!(decode_base64("YWI").unwrap(), b"ab");
        assert!(decode_base64("YW!=").is_none());
    }
}
