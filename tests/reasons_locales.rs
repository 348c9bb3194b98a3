//! Every reason a user can read, in every language the extension ships: each must have its
//! message (a missing one fails here, not as a blank in someone's panel). In English the words are
//! checked too, since the browser tests and users read them.

use photolift::convert::ConvertError;
use photolift::queue::{PageAnswer, Reason};
use photolift::words::{self, Catalog};

fn locales() -> Vec<(String, Catalog)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/extension/_locales");
    let mut all: Vec<(String, Catalog)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let json = std::fs::read_to_string(path.join("messages.json")).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let catalog =
                Catalog::from_json(&json).unwrap_or_else(|e| panic!("{name}/messages.json: {e}"));
            (name, catalog)
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(all.iter().any(|(name, _)| name == "en"), "English ships");
    all
}

#[test]
fn every_reason_has_words_in_every_shipped_language() {
    let mut missing = Vec::new();
    for (locale, catalog) in locales() {
        for reason in Reason::examples() {
            match words::reason(&catalog, &reason) {
                Ok(text) => assert!(!text.trim().is_empty(), "{locale}: {reason:?} is blank"),
                Err(e) => missing.push(format!("{locale}: {} ({e})", reason.code())),
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing messages:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_missing_message_is_found() {
    let catalog = Catalog::from_json(r#"{"reason_cancelled": {"message": "cancelled"}}"#).unwrap();
    assert!(words::reason(&catalog, &Reason::Cancelled).is_ok());
    assert!(words::reason(&catalog, &Reason::CancelledInFlight).is_err());
}

#[test]
fn english_words_are_the_sentences_users_know() {
    let en = words::english();
    let say = |reason: Reason| words::reason(en, &reason).unwrap();
    let cases = [
        (
            Reason::UploadedBefore {
                date: "2026-11-20".into(),
            },
            "already in iCloud Photos via photolift on 2026-11-20",
        ),
        (
            Reason::SameAsInDrop {
                first: "IMG_0001.HEIC".into(),
            },
            "same photo as IMG_0001.HEIC in this drop",
        ),
        (Reason::Cancelled, "cancelled"),
        (
            Reason::CancelledInFlight,
            "cancelled; it was being uploaded when the page was interrupted, so it may already be in iCloud Photos",
        ),
        (Reason::SystemFile, "a system file, not a photo"),
        (
            Reason::SidecarFile {
                extension: "aae".into(),
            },
            "not a photo or video (AAE file)",
        ),
        (Reason::AlreadyThere, "iCloud Photos already had this photo"),
        (
            Reason::WorkerCrashed,
            "photolift hit an internal error on this file; the converter was restarted and the other files go on.",
        ),
        (
            Reason::Refused {
                answer: PageAnswer::Said {
                    message: "Unsupported asset".into(),
                    status: 400,
                },
            },
            "iCloud refused this file: iCloud said “Unsupported asset” (400)",
        ),
        (
            Reason::GaveUp {
                last: Box::new(Reason::UploadFailed {
                    answer: PageAnswer::ConnectionLost,
                }),
                tries: 3,
            },
            "The upload did not finish: the connection to iCloud was lost (3 tries). You can retry it later.",
        ),
        (
            Reason::GaveUp {
                last: Box::new(Reason::NeverStarted),
                tries: 1,
            },
            "iCloud did not start uploading this file (1 try). You can retry it later.",
        ),
        (
            Reason::GaveUp {
                last: Box::new(Reason::TimedOut { seconds: 120 }),
                tries: 3,
            },
            "the page did not finish the upload in 120 s (3 tries). You can retry it later.",
        ),
        (
            Reason::Conversion {
                error: ConvertError::TooLarge {
                    width: 30_000,
                    height: 20_000,
                    limit_megapixels: 250,
                },
            },
            "The image is too large: 30000 × 20000 pixels (photolift converts up to 250 megapixels). Make it smaller in a photo app.",
        ),
        (
            Reason::Conversion {
                error: ConvertError::Damaged {
                    format: "HEIC".into(),
                    detail: "container: unexpected end of data".into(),
                },
            },
            "This HEIC file is damaged or incomplete. If you have the original elsewhere, copy or export it again.",
        ),
    ];
    for (reason, expected) in cases {
        assert_eq!(say(reason), expected);
    }
}

#[test]
fn not_media_is_a_property_of_the_error_kind() {
    for error in ConvertError::examples() {
        let reason = Reason::Conversion {
            error: error.clone(),
        };
        assert_eq!(reason.is_not_media(), error.is_not_media(), "{error:?}");
        let skipped = matches!(&error, ConvertError::NotAPhoto { what } if what.is_not_media());
        assert_eq!(error.is_not_media(), skipped, "{error:?}");
    }
    assert!(!Reason::SystemFile.is_not_media(), "intake skips by name");
}
