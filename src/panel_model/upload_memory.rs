//! The upload memory outside the panel's plan: where its records live in storage (the keys), and
//! the file a user saves it to and loads it from on the options page. Pure, tested natively; the
//! web shell (`web::store`, `web::options`) reads and writes with these.
//!
//! Keys: the memory has a *generation* (`photolift.memory.generation`, absent = 0). "Forget
//! uploaded photos" starts the next generation before it removes the old one's chunks, so a panel
//! that wrote to the old generation a moment later cannot bring a forgotten photo back: a chunk of
//! another generation is never read, and is removed by the next load.
//! - `photolift.mem.<n>` (generation 0, as always written) and `photolift.mem.g<G>.<n>`: the
//!   panel's log, appended to.
//! - `photolift.mem.g<G>.i<T>.<n>`: photos imported at time `T` (ms), written once by the
//!   options page and never appended to, so an import cannot collide with the panel's log.

use crate::queue::memory::{day_date, RememberedUpload};
use crate::queue::memory::{key_bytes, key_hex};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MEMORY_PREFIX: &str = "photolift.mem.";
pub const GENERATION_KEY: &str = "photolift.memory.generation";
/// The upload memory of the layout before the packed chunks: `photolift.up.<hex key>` = date.
pub const OLD_UPLOADED_PREFIX: &str = "photolift.up.";

/// One chunk of the upload memory in storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoryChunk {
    /// The panel's log: chunk `n` of `generation`.
    Log { generation: u32, n: u32 },
    /// Chunk `n` of an import made at `batch` (ms since 1970).
    Import { generation: u32, batch: u64, n: u32 },
}

impl MemoryChunk {
    /// The chunk a storage key names; `None` for any other key.
    pub fn parse(key: &str) -> Option<MemoryChunk> {
        let rest = key.strip_prefix(MEMORY_PREFIX)?;
        let Some(rest) = rest.strip_prefix('g') else {
            return Some(MemoryChunk::Log {
                generation: 0,
                n: number(rest)?,
            });
        };
        let (generation, rest) = rest.split_once('.')?;
        let generation = number(generation)?;
        match rest.strip_prefix('i') {
            None => Some(MemoryChunk::Log {
                generation,
                n: number(rest)?,
            }),
            Some(import) => {
                let (batch, n) = import.split_once('.')?;
                Some(MemoryChunk::Import {
                    generation,
                    batch: number(batch)?,
                    n: number(n)?,
                })
            }
        }
    }

    /// Its storage key.
    pub fn key(&self) -> String {
        match *self {
            MemoryChunk::Log { generation: 0, n } => format!("{MEMORY_PREFIX}{n}"),
            MemoryChunk::Log { generation, n } => format!("{MEMORY_PREFIX}g{generation}.{n}"),
            MemoryChunk::Import {
                generation,
                batch,
                n,
            } => format!("{MEMORY_PREFIX}g{generation}.i{batch}.{n}"),
        }
    }

    pub fn generation(&self) -> u32 {
        match *self {
            MemoryChunk::Log { generation, .. } | MemoryChunk::Import { generation, .. } => {
                generation
            }
        }
    }
}

/// Decimal digits only (no sign, no spaces), as the keys are written.
fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// What the export file says it is.
pub const EXPORT_FORMAT: &str = "photolift upload memory";
const EXPORT_VERSION: u32 = 1;

/// The file a user saves the upload memory to: JSON, one line per photo (its content key — the
/// SHA-256 of the original file — and the day photolift uploaded it).
#[derive(Serialize, Deserialize)]
struct ExportFile {
    format: String,
    version: u32,
    exported: String,
    count: usize,
    /// `"<sha256 hex> <YYYY-MM-DD>"`.
    photos: Vec<String>,
}

/// The records of `records`, each key once (its earliest day), in the order first seen.
pub fn distinct(records: &[RememberedUpload]) -> Vec<RememberedUpload> {
    let mut first: std::collections::HashMap<[u8; 32], usize> = Default::default();
    let mut out: Vec<RememberedUpload> = Vec::with_capacity(records.len());
    for record in records {
        match first.get(&record.key) {
            Some(&at) => out[at].day = out[at].day.min(record.day),
            None => {
                first.insert(record.key, out.len());
                out.push(*record);
            }
        }
    }
    out
}

/// The export file's text for `records` (each photo once), written on `today` (`YYYY-MM-DD`).
pub fn export_text(records: &[RememberedUpload], today: &str) -> String {
    let photos: Vec<String> = distinct(records)
        .iter()
        .map(|r| format!("{} {}", key_hex(&r.key), day_date(r.day)))
        .collect();
    let file = ExportFile {
        format: EXPORT_FORMAT.into(),
        version: EXPORT_VERSION,
        exported: today.into(),
        count: photos.len(),
        photos,
    };
    serde_json::to_string_pretty(&file).expect("plain data serialises")
}

/// Why a file could not be imported.
#[derive(Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not a photolift upload memory at all (another file, or damaged).
    NotAMemoryFile,
    /// A photolift upload memory of a later version than this photolift reads.
    NewerVersion(u32),
    /// The photo on this line (1-based among the photos) is not a key and a date.
    BadPhoto(usize),
}

/// The photos of an export file.
pub fn import_text(text: &str) -> Result<Vec<RememberedUpload>, ImportError> {
    let file: ExportFile = serde_json::from_str(text).map_err(|_| ImportError::NotAMemoryFile)?;
    if file.format != EXPORT_FORMAT {
        return Err(ImportError::NotAMemoryFile);
    }
    if file.version > EXPORT_VERSION {
        return Err(ImportError::NewerVersion(file.version));
    }
    file.photos
        .iter()
        .enumerate()
        .map(|(at, line)| {
            let (key, date) = line.split_once(' ').ok_or(ImportError::BadPhoto(at + 1))?;
            key_bytes(key).ok_or(ImportError::BadPhoto(at + 1))?;
            RememberedUpload::new(key, date.trim()).map_err(|_| ImportError::BadPhoto(at + 1))
        })
        .collect()
}

/// What an import adds to `existing`: the imported photos it does not know yet, each once.
/// Nothing already there is changed or lost.
pub fn new_to(
    existing: &[RememberedUpload],
    imported: &[RememberedUpload],
) -> Vec<RememberedUpload> {
    let known: HashSet<[u8; 32]> = existing.iter().map(|r| r.key).collect();
    distinct(imported)
        .into_iter()
        .filter(|r| !known.contains(&r.key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u8, day: u16) -> RememberedUpload {
        RememberedUpload { key: [n; 32], day }
    }

    #[test]
    fn chunk_keys_read_back_and_the_old_layout_is_generation_0() {
        for chunk in [
            MemoryChunk::Log {
                generation: 0,
                n: 7,
            },
            MemoryChunk::Log {
                generation: 3,
                n: 0,
            },
            MemoryChunk::Import {
                generation: 0,
                batch: 1_764_547_200_000,
                n: 2,
            },
        ] {
            assert_eq!(MemoryChunk::parse(&chunk.key()), Some(chunk));
        }
        assert_eq!(
            MemoryChunk::Log {
                generation: 0,
                n: 7
            }
            .key(),
            "photolift.mem.7"
        );
        for other in [
            "photolift.mem.",
            "photolift.mem.x",
            "photolift.mem.-1",
            "photolift.mem.g.1",
            "photolift.mem.g1",
            "photolift.mem.g1.i5",
            "photolift.journal.0",
            "photolift.memory.generation",
        ] {
            assert_eq!(MemoryChunk::parse(other), None, "{other}");
        }
    }

    #[test]
    fn an_export_imports_back_to_the_same_photos() {
        let records = vec![record(1, 20_000), record(2, 20_001), record(1, 19_999)];
        let text = export_text(&records, "2026-12-01");
        assert!(text.contains(EXPORT_FORMAT) && text.contains("\"count\": 2"));
        let back = import_text(&text).unwrap();
        assert_eq!(back, vec![record(1, 19_999), record(2, 20_001)]);
    }

    #[test]
    fn an_import_adds_only_what_is_new_and_refuses_other_files() {
        let existing = vec![record(1, 20_000)];
        let imported = vec![record(1, 10), record(3, 20_002), record(3, 20_003)];
        assert_eq!(new_to(&existing, &imported), vec![record(3, 20_002)]);
        assert_eq!(import_text("{}"), Err(ImportError::NotAMemoryFile));
        assert_eq!(
            import_text("PK\u{3}\u{4}"),
            Err(ImportError::NotAMemoryFile)
        );
        let other = r#"{"format":"x","version":1,"exported":"","count":0,"photos":[]}"#;
        assert_eq!(import_text(other), Err(ImportError::NotAMemoryFile));
        let newer = format!(
            r#"{{"format":"{EXPORT_FORMAT}","version":9,"exported":"","count":0,"photos":[]}}"#
        );
        assert_eq!(import_text(&newer), Err(ImportError::NewerVersion(9)));
        let bad = format!(
            r#"{{"format":"{EXPORT_FORMAT}","version":1,"exported":"","count":1,"photos":["{} 2026-11-20","abc 2026-11-20"]}}"#,
            "0".repeat(64)
        );
        assert_eq!(import_text(&bad), Err(ImportError::BadPhoto(2)));
    }
}
