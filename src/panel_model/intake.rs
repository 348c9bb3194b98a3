//! Names that are surely not photos or videos (sidecars, system files): skipped at intake, with
//! the reason shown, instead of being read and sniffed.

use crate::queue::Reason;

const SIDECARS: [&str; 9] = [
    ".aae", ".xmp", ".json", ".txt", ".ini", ".db", ".pdf", ".zip", ".html",
];

/// Why a dropped file is skipped by its name alone (`path` may include folders); `None` for a
/// file that goes to a worker.
pub fn skipped_by_name(path: &str) -> Option<Reason> {
    let lower = path.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    if base.starts_with("._") || base == ".ds_store" || base == "thumbs.db" || base == "desktop.ini"
    {
        return Some(Reason::SystemFile);
    }
    SIDECARS
        .iter()
        .find(|ext| base.ends_with(*ext))
        .map(|ext| Reason::SidecarFile {
            extension: ext[1..].to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_files_and_sidecars_are_skipped_by_name() {
        assert_eq!(skipped_by_name("Trip/.DS_Store"), Some(Reason::SystemFile));
        assert_eq!(skipped_by_name("._IMG_1.HEIC"), Some(Reason::SystemFile));
        assert_eq!(skipped_by_name("Thumbs.db"), Some(Reason::SystemFile));
        assert_eq!(
            skipped_by_name("Trip/IMG_0001.AAE"),
            Some(Reason::SidecarFile {
                extension: "aae".into()
            })
        );
        assert_eq!(skipped_by_name("Trip/IMG_0001.HEIC"), None);
        assert_eq!(
            skipped_by_name("scan.pdf.jpg"),
            None,
            "judged by the last extension"
        );
    }
}
