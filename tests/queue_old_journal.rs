//! A journal written before reasons had codes (its `Failed`/`Skipped` entries hold English
//! sentences) still resumes: outcomes, reasons and the files still to go come back, and the
//! upload finishes. `tests/data/journal-before-reason-codes.json` is such a journal, as that
//! version stored it after a reload in the middle of an upload.

use photolift::queue::{
    report_csv, FileId, FileState, JournalEntry, PlanConfig, PlanState, Reason, UploadPlan,
};
use photolift::words::english_reason;

fn old_journal() -> Vec<JournalEntry> {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/journal-before-reason-codes.json"
    ))
    .unwrap();
    serde_json::from_str(&json).expect("every entry of the old journal is read")
}

fn words(plan: &UploadPlan, id: u32) -> String {
    plan.file(FileId(id))
        .unwrap()
        .reason
        .as_ref()
        .map(english_reason)
        .unwrap_or_default()
}

#[test]
fn an_old_journal_resumes_with_its_outcomes_and_words() {
    let entries = old_journal();
    assert_eq!(entries.len(), 21);
    let mut plan = UploadPlan::replay(PlanConfig::default(), &entries).unwrap();

    let state = |plan: &UploadPlan, id: u32| plan.file(FileId(id)).unwrap().state;
    assert_eq!(state(&plan, 0), FileState::Uploaded);
    assert_eq!(state(&plan, 2), FileState::Skipped);
    assert_eq!(state(&plan, 3), FileState::Failed);
    assert_eq!(state(&plan, 4), FileState::Failed);
    assert_eq!(state(&plan, 6), FileState::Skipped);
    // The stored sentences are shown as they were written.
    assert_eq!(
        words(&plan, 2),
        "same photo as Trip/IMG_0001.HEIC in this drop"
    );
    assert_eq!(
        words(&plan, 4),
        "The upload did not finish: iCloud answered 503 (3 tries)"
    );
    assert_eq!(words(&plan, 6), "a system file, not a photo");
    assert_eq!(
        plan.file(FileId(3)).unwrap().reason,
        Some(Reason::Stored {
            text: "the PNG file is damaged (IDAT missing)".into()
        })
    );

    // The handed-but-unconfirmed file and the never-started one wait for their originals.
    let summary = plan.summary();
    assert_eq!(summary.awaiting_original, 2);
    assert_eq!(
        (summary.uploaded, summary.skipped, summary.failed),
        (1, 2, 2)
    );

    // The folder is dropped again: both go up, and the upload is done.
    let again = [
        ("Trip/IMG_0001.HEIC", 1000, 11),
        ("Trip/IMG_0002.HEIC", 2000, 22),
        ("Trip/IMG_0005.HEIC", 5000, 55),
    ];
    let matched: Vec<Option<FileId>> = again
        .iter()
        .map(|(name, size, date)| plan.match_resumed_file(name, *size, *date))
        .collect();
    assert_eq!(
        matched,
        vec![Some(FileId(0)), Some(FileId(1)), Some(FileId(5))]
    );
    let mut converted = Vec::new();
    while let Some(id) = plan.next_to_convert(1) {
        converted.push(id);
    }
    assert_eq!(converted, vec![FileId(1), FileId(5)]);
    plan.converted(FileId(1), &"b".repeat(64), 2).unwrap();
    plan.converted(FileId(5), &"e".repeat(64), 2).unwrap();
    let batch = plan.next_batch(3).unwrap();
    assert_eq!(batch, vec![FileId(1), FileId(5)]);
    for id in batch {
        plan.upload_succeeded(id, 4).unwrap();
    }
    assert_eq!(plan.summary().state, PlanState::Done);

    // The report keeps the old words, with a code that says they are stored words.
    let csv = report_csv(&plan, &english_reason);
    assert!(
        csv.contains("failed,stored,The upload did not finish: iCloud answered 503 (3 tries),3,"),
        "{csv}"
    );

    // The journal goes on with typed entries; old and new together still replay.
    let mut mixed = entries;
    mixed.extend(plan.take_journal());
    let replayed = UploadPlan::replay(PlanConfig::default(), &mixed).unwrap();
    assert_eq!(replayed.summary().uploaded, 3);
    assert_eq!(words(&replayed, 4), words(&plan, 4));
}

#[test]
fn reasons_are_journaled_as_codes() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let id = plan.add_file(".DS_Store", 6, 0);
    plan.skip(id, Reason::SystemFile).unwrap();
    let lines: Vec<String> = plan
        .take_journal()
        .iter()
        .map(|entry| serde_json::to_string(entry).unwrap())
        .collect();
    assert_eq!(
        lines[1],
        r#"{"type":"Skipped","id":0,"reason":{"code":"system_file"}}"#
    );
}
