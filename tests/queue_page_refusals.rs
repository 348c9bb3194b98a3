//! What the plan does when the page refuses: a whole batch it could not take (signed out, app not
//! loaded), or one file it rejected itself (its error toast named it).

use photolift::queue::{FileState, PageAnswer, PlanConfig, Reason, UploadPlan};
use photolift::words::english_reason;

fn key_for(n: u32) -> String {
    format!("{n:064x}")
}

fn plan_with_ready(names: &[&str]) -> (UploadPlan, Vec<photolift::queue::FileId>) {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let ids: Vec<_> = names.iter().map(|n| plan.add_file(*n, 10, 0)).collect();
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(plan.next_to_convert(0), Some(*id));
        plan.converted(*id, &key_for(n as u32), 0).unwrap();
    }
    (plan, ids)
}

#[test]
fn a_refused_batch_goes_back_to_ready_without_using_a_try() {
    let (mut plan, ids) = plan_with_ready(&["a.heic", "b.png"]);
    assert_eq!(plan.next_batch(0), Some(ids.clone()));
    assert_eq!(plan.next_batch(0), None, "one batch in flight at a time");

    assert_eq!(plan.batch_refused(), ids);
    for id in &ids {
        let file = plan.file(*id).unwrap();
        assert_eq!(file.state, FileState::Ready);
        assert_eq!(file.attempts, 0);
    }
    // Refused again and again (the page is signed out for a while): the files never fail for it.
    for now in 1..10 {
        assert_eq!(plan.next_batch(now), Some(ids.clone()));
        plan.batch_refused();
    }
    assert_eq!(plan.next_batch(10), Some(ids.clone()));
    plan.upload_succeeded(ids[0], 11).unwrap();
    plan.upload_succeeded(ids[1], 11).unwrap();
    assert_eq!(plan.summary().uploaded, 2);
}

#[test]
fn refusing_without_a_batch_in_flight_changes_nothing() {
    let (mut plan, _) = plan_with_ready(&["a.heic"]);
    assert!(plan.batch_refused().is_empty());
    assert_eq!(plan.summary().ready, 1);
}

#[test]
fn a_rejected_file_fails_at_once_and_the_batch_goes_on() {
    let (mut plan, ids) = plan_with_ready(&["a.heic", "b.png"]);
    plan.next_batch(0).unwrap();
    plan.upload_rejected(
        ids[0],
        Reason::Refused {
            answer: PageAnswer::Said {
                message: "the format is not supported".into(),
                status: 400,
            },
        },
    )
    .unwrap();
    let file = plan.file(ids[0]).unwrap();
    assert_eq!(file.state, FileState::Failed);
    assert_eq!(
        file.reason.as_ref().map(english_reason).as_deref(),
        Some("iCloud refused this file: iCloud said “the format is not supported” (400)")
    );
    assert!(plan.batch_in_flight().is_some(), "b is still uploading");
    plan.upload_succeeded(ids[1], 1).unwrap();
    assert!(plan.batch_in_flight().is_none());
    let summary = plan.summary();
    assert_eq!((summary.uploaded, summary.failed), (1, 1));
}

#[test]
fn only_a_file_in_the_page_can_be_rejected() {
    let (mut plan, ids) = plan_with_ready(&["a.heic"]);
    assert!(
        plan.upload_rejected(ids[0], Reason::OutputLost).is_err(),
        "a Ready file was never handed over"
    );
}

#[test]
fn a_lost_session_sends_the_file_back_without_using_a_try() {
    let (mut plan, ids) = plan_with_ready(&["a.heic", "b.png"]);
    plan.next_batch(0).unwrap();
    plan.upload_succeeded(ids[0], 1).unwrap();
    plan.upload_interrupted(ids[1]).unwrap();
    let file = plan.file(ids[1]).unwrap();
    assert_eq!((file.state, file.attempts), (FileState::Ready, 0));
    assert!(plan.batch_in_flight().is_none());
    assert_eq!(plan.next_batch(2), Some(vec![ids[1]]));
}

#[test]
fn forgetting_the_memory_lets_a_photo_go_up_again() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    plan.remember_uploaded(&key_for(7), "2026-11-20").unwrap();
    let a = plan.add_file("a.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    assert_eq!(
        plan.converted(a, &key_for(7), 0).unwrap(),
        FileState::Skipped
    );
    assert!(plan
        .file(a)
        .unwrap()
        .reason
        .as_ref()
        .map(english_reason)
        .unwrap()
        .contains("2026-11-20"));

    plan.forget_uploaded();
    let b = plan.add_file("a.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    assert_eq!(plan.converted(b, &key_for(7), 0).unwrap(), FileState::Ready);
}

#[test]
fn upload_duplicates_can_be_switched_on_mid_plan() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    plan.remember_uploaded(&key_for(7), "2026-11-20").unwrap();
    plan.set_upload_duplicates(true);
    let a = plan.add_file("a.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    assert_eq!(plan.converted(a, &key_for(7), 0).unwrap(), FileState::Ready);
}
