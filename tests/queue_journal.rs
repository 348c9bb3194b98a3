//! The resume journal: what the plan writes, and rebuilding the plan from it after a crash,
//! including a crash between handing a file to the page and the page confirming it.

mod common;
use common::reason_words;

use photolift::convert::ConvertError;
use photolift::queue::Reason;
use photolift::queue::{FileId, FileState, JournalEntry, PlanConfig, PlanState, UploadPlan};
use photolift::words::english_reason;

fn key_for(n: u32) -> String {
    format!("{n:064x}")
}

/// 2026-11-20T12:00:00Z
const NOV_20: u64 = 1_795_176_000_000;

/// A session that dies with files in every state. Returns its journal as the store keeps it
/// (JSON lines) and the ids of: uploaded, handed-unconfirmed, ready, queued, duplicate, failed.
fn crashed_session() -> (Vec<String>, [FileId; 6]) {
    let mut plan = UploadPlan::new(PlanConfig {
        batch_size: 2,
        max_converting: 6,
        ..PlanConfig::default()
    })
    .unwrap();
    let uploaded = plan.add_file("IMG_0001.HEIC", 1_000, 11);
    let handed = plan.add_file("IMG_0002.HEIC", 2_000, 22);
    let ready = plan.add_file("IMG_0003.HEIC", 3_000, 33);
    let duplicate = plan.add_file("IMG_0001 copy.HEIC", 1_000, 11);
    let failed = plan.add_file("broken.heic", 5, 55);
    let queued = plan.add_file("IMG_0004.HEIC", 4_000, 44);

    plan.next_to_convert(NOV_20).unwrap();
    plan.next_to_convert(NOV_20).unwrap();
    plan.converted(uploaded, &key_for(1), NOV_20).unwrap();
    plan.converted(handed, &key_for(2), NOV_20).unwrap();
    assert_eq!(plan.next_batch(NOV_20), Some(vec![uploaded, handed]));
    plan.upload_succeeded(uploaded, NOV_20 + 1_000).unwrap();
    plan.next_to_convert(NOV_20).unwrap();
    plan.next_to_convert(NOV_20).unwrap();
    plan.next_to_convert(NOV_20).unwrap();
    plan.converted(ready, &key_for(3), NOV_20).unwrap();
    assert_eq!(
        plan.converted(duplicate, &key_for(1), NOV_20),
        Ok(FileState::Skipped)
    );
    plan.conversion_failed(
        failed,
        Reason::Conversion {
            error: ConvertError::Damaged {
                format: "HEIC".into(),
                detail: "no image item".into(),
            },
        },
    )
    .unwrap();
    // The tab dies here: `handed` is with the page, `ready` waits, `queued` never started.

    (
        journal_lines(&mut plan),
        [uploaded, handed, ready, queued, duplicate, failed],
    )
}

/// What the plan journaled since last asked, as the store keeps it (JSON lines).
fn journal_lines(plan: &mut UploadPlan) -> Vec<String> {
    plan.take_journal()
        .iter()
        .map(|entry| serde_json::to_string(entry).unwrap())
        .collect()
}

fn parse(lines: &[String]) -> Vec<JournalEntry> {
    lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_plan_writes_one_fact_per_step() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let id = plan.add_file("a.heic", 10, 20);
    plan.next_to_convert(0).unwrap();
    plan.converted(id, &key_for(1), 0).unwrap();
    plan.next_batch(0).unwrap();
    plan.upload_succeeded(id, 99).unwrap();
    assert_eq!(
        plan.take_journal(),
        vec![
            JournalEntry::Added {
                id,
                name: "a.heic".into(),
                size: 10,
                last_modified_ms: 20
            },
            JournalEntry::Keyed {
                id,
                key: key_for(1)
            },
            JournalEntry::HandedToPage { id, attempt: 1 },
            JournalEntry::Uploaded {
                id,
                key: key_for(1),
                at_ms: 99
            },
        ]
    );
    assert!(plan.take_journal().is_empty());
}

#[test]
fn replay_keeps_outcomes_and_marks_the_unconfirmed_hand_off_uncertain() {
    let (lines, [uploaded, handed, ready, queued, duplicate, failed]) = crashed_session();
    let plan = &UploadPlan::replay(PlanConfig::default(), &parse(&lines)).unwrap();

    assert_eq!(plan.file(uploaded).unwrap().state, FileState::Uploaded);
    assert_eq!(plan.file(duplicate).unwrap().state, FileState::Skipped);
    assert_eq!(
        reason_words(plan, duplicate).as_deref(),
        Some("same photo as IMG_0001.HEIC in this drop")
    );
    assert_eq!(plan.file(failed).unwrap().state, FileState::Failed);

    let handed_file = plan.file(handed).unwrap();
    assert_eq!(handed_file.state, FileState::Queued);
    assert!(handed_file.uncertain);
    assert_eq!(handed_file.attempts, 1);
    assert_eq!(handed_file.content_key, Some(key_for(2)));
    for id in [handed, ready, queued] {
        let file = plan.file(id).unwrap();
        assert_eq!(file.state, FileState::Queued);
        assert!(file.needs_original);
    }

    let summary = plan.summary();
    assert_eq!(summary.awaiting_original, 3);
    assert_eq!(summary.state, PlanState::Idle);
}

#[test]
fn the_uncertain_file_goes_again_once_its_original_is_back_and_409_settles_it() {
    let (lines, [uploaded, handed, _, _, _, _]) = crashed_session();
    let mut plan = UploadPlan::replay(PlanConfig::default(), &parse(&lines)).unwrap();
    assert_eq!(plan.next_to_convert(0), None, "no original yet");

    assert_eq!(
        plan.match_resumed_file("IMG_0002.HEIC", 2_000, 22),
        Some(handed)
    );
    assert_eq!(plan.next_to_convert(0), Some(handed));
    assert_eq!(plan.converted(handed, &key_for(2), 0), Ok(FileState::Ready));
    assert_eq!(plan.next_batch(0), Some(vec![handed]));
    // The page reports "already there": the first hand-off had made it after all.
    plan.upload_already_there(handed, 5).unwrap();
    let file = plan.file(handed).unwrap();
    assert_eq!(file.state, FileState::Uploaded);
    assert_eq!(file.attempts, 2);
    assert!(!file.uncertain);

    // An uploaded file dropped again is found, and there is nothing to do for it.
    assert_eq!(
        plan.match_resumed_file("IMG_0001.HEIC", 1_000, 11),
        Some(uploaded)
    );
    assert_eq!(plan.file(uploaded).unwrap().state, FileState::Uploaded);
    assert_eq!(plan.match_resumed_file("IMG_0001.HEIC", 1_000, 11), None);
    assert_eq!(plan.match_resumed_file("IMG_0002.HEIC", 2_000, 999), None);
}

#[test]
fn new_files_after_a_resume_get_fresh_ids() {
    let (lines, [_, _, _, queued, _, failed]) = crashed_session();
    let mut plan = UploadPlan::replay(PlanConfig::default(), &parse(&lines)).unwrap();
    assert_eq!(
        plan.match_resumed_file("IMG_0004.HEIC", 4_000, 44),
        Some(queued)
    );

    let new = plan.add_file("IMG_0001 again.HEIC", 1_000, 0);
    assert!(new.0 > queued.0 && new.0 > failed.0);
    // Bytes the journal saw uploaded are skipped with the date of that upload.
    assert_eq!(plan.next_to_convert(0), Some(queued));
    assert_eq!(plan.next_to_convert(0), Some(new));
    assert_eq!(plan.converted(new, &key_for(1), 0), Ok(FileState::Skipped));
    assert_eq!(
        reason_words(&plan, new).as_deref(),
        Some("already in iCloud Photos via photolift on 2026-11-20")
    );
}

#[test]
fn the_journal_of_the_resumed_session_continues_the_old_one() {
    let (lines, [_, handed, _, _, _, _]) = crashed_session();
    let mut entries = parse(&lines);
    let mut plan = UploadPlan::replay(PlanConfig::default(), &entries).unwrap();
    assert!(plan.take_journal().is_empty(), "replay writes nothing");
    plan.match_resumed_file("IMG_0002.HEIC", 2_000, 22).unwrap();
    plan.next_to_convert(0).unwrap();
    plan.converted(handed, &key_for(2), 0).unwrap();
    plan.next_batch(0).unwrap();
    plan.upload_succeeded(handed, 7).unwrap();
    entries.extend(plan.take_journal());
    assert!(entries.contains(&JournalEntry::HandedToPage {
        id: handed,
        attempt: 2
    }));

    let again = UploadPlan::replay(PlanConfig::default(), &entries).unwrap();
    assert_eq!(again.file(handed).unwrap().state, FileState::Uploaded);
    assert!(!again.file(handed).unwrap().uncertain);
}

#[test]
fn a_journal_cut_off_anywhere_still_replays() {
    let (lines, _) = crashed_session();
    let entries = parse(&lines);
    for cut in 0..=entries.len() {
        let resume = UploadPlan::replay(PlanConfig::default(), &entries[..cut]).unwrap();
        let summary = resume.summary();
        assert!(summary.total <= 6);
        assert_eq!(
            summary.queued + summary.uploaded + summary.skipped + summary.failed,
            summary.total
        );
    }
}

#[test]
fn entries_about_unknown_files_are_ignored_not_fatal() {
    let entries = vec![
        JournalEntry::Uploaded {
            id: FileId(3),
            key: key_for(3),
            at_ms: 0,
        },
        JournalEntry::Added {
            id: FileId(0),
            name: "a.heic".into(),
            size: 1,
            last_modified_ms: 2,
        },
    ];
    let resume = UploadPlan::replay(PlanConfig::default(), &entries).unwrap();
    assert_eq!(resume.summary().total, 1);
    assert_eq!(resume.summary().uploaded, 0, "the stray upload is left out");
}

#[test]
fn retry_after_resume_is_journaled_as_requeued() {
    let (lines, [_, _, _, _, _, failed]) = crashed_session();
    let mut entries = parse(&lines);
    let mut plan = UploadPlan::replay(PlanConfig::default(), &entries).unwrap();
    assert_eq!(plan.retry_failed(), 1);
    let written = plan.take_journal();
    assert_eq!(written, vec![JournalEntry::Requeued { id: failed }]);
    entries.extend(written);
    let again = UploadPlan::replay(PlanConfig::default(), &entries).unwrap();
    assert_eq!(again.file(failed).unwrap().state, FileState::Queued);
}

#[test]
fn discarding_the_interrupted_upload_cancels_only_the_files_still_waiting_for_their_originals() {
    let (lines, [uploaded, handed, ready, queued, _, failed]) = crashed_session();
    let mut plan = UploadPlan::replay(PlanConfig::default(), &parse(&lines)).unwrap();
    // One original came back, and a new photo was added before the user discarded the rest.
    assert_eq!(
        plan.match_resumed_file("IMG_0003.HEIC", 3_000, 33),
        Some(ready)
    );
    let added = plan.add_file("IMG_0100.HEIC", 9_000, 99);

    assert_eq!(plan.cancel_awaiting_originals(), 2, "handed and queued");
    for (id, reason) in [
        (handed, Reason::CancelledInFlight),
        (queued, Reason::Cancelled),
    ] {
        let file = plan.file(id).unwrap();
        assert_eq!(file.state, FileState::Skipped);
        assert_eq!(file.reason, Some(reason));
    }
    assert!(english_reason(&Reason::CancelledInFlight).contains("may already be in iCloud Photos"));
    assert_eq!(plan.file(uploaded).unwrap().state, FileState::Uploaded);
    assert_eq!(plan.file(failed).unwrap().state, FileState::Failed);
    assert_eq!(plan.file(ready).unwrap().state, FileState::Queued);
    assert_eq!(plan.file(added).unwrap().state, FileState::Queued);
    assert_eq!(plan.summary().awaiting_original, 0);
    assert_eq!(plan.next_to_convert(0), Some(ready));
    assert_eq!(plan.next_to_convert(0), Some(added));
    // Given again after the discard, an old file is a new file, not the cancelled one.
    assert_eq!(plan.match_resumed_file("IMG_0004.HEIC", 4_000, 44), None);
}

#[test]
fn a_folder_given_again_as_loose_files_is_matched_by_file_name_preferring_the_same_path() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let in_2019 = plan.add_file("Holiday/2019/IMG_0001.HEIC", 1_000, 11);
    let in_2020 = plan.add_file("Holiday/2020/IMG_0001.HEIC", 1_000, 11);
    let other = plan.add_file("Holiday/2020/IMG_0002.HEIC", 2_000, 22);
    let lines = journal_lines(&mut plan);

    let mut plan = UploadPlan::replay(PlanConfig::default(), &parse(&lines)).unwrap();
    // The folder again: each file finds its own record, whatever the order.
    assert_eq!(
        plan.match_resumed_file("Holiday/2020/IMG_0001.HEIC", 1_000, 11),
        Some(in_2020)
    );
    assert_eq!(
        plan.match_resumed_file("Holiday/2019/IMG_0001.HEIC", 1_000, 11),
        Some(in_2019)
    );
    // A loose file picked from inside the folder finds its record too...
    assert_eq!(
        plan.match_resumed_file("IMG_0002.HEIC", 2_000, 22),
        Some(other)
    );
    // ...but not when its size or date differ: then it is another photo.
    assert_eq!(plan.match_resumed_file("IMG_0001.HEIC", 1_000, 12), None);
    assert_eq!(plan.summary().awaiting_original, 0);
}
