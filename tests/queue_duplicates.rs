//! Duplicates: photos photolift uploaded before, copies within one drop, and the override.

mod common;
use common::reason_words;

use photolift::queue::{FileState, PlanConfig, QueueError, UploadPlan};
use photolift::queue::{PageAnswer, Reason};

fn key_for(n: u32) -> String {
    format!("{n:064x}")
}

fn convert(plan: &mut UploadPlan, name: &str, key: &str) -> (photolift::queue::FileId, FileState) {
    let id = plan.add_file(name, 100, 0);
    assert_eq!(plan.next_to_convert(0), Some(id));
    let state = plan.converted(id, key, 0).unwrap();
    (id, state)
}

#[test]
fn a_photo_uploaded_in_an_earlier_session_is_skipped_with_the_date() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    plan.remember_uploaded(&key_for(7), "2026-11-20").unwrap();
    let (id, state) = convert(&mut plan, "IMG_0007.HEIC", &key_for(7));
    assert_eq!(state, FileState::Skipped);
    assert_eq!(
        reason_words(&plan, id).as_deref(),
        Some("already in iCloud Photos via photolift on 2026-11-20")
    );
    assert_eq!(plan.file(id).unwrap().content_key, Some(key_for(7)));
}

#[test]
fn remembered_keys_match_whatever_the_hex_case() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    plan.remember_uploaded(&"AB".repeat(32), "2026-01-02")
        .unwrap();
    let (_, state) = convert(&mut plan, "a.jpg", &"ab".repeat(32));
    assert_eq!(state, FileState::Skipped);
}

#[test]
fn the_second_copy_in_a_drop_is_skipped_and_names_the_first() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let (first, first_state) = convert(&mut plan, "IMG_0001.HEIC", &key_for(1));
    let (second, second_state) = convert(&mut plan, "IMG_0001 copy.HEIC", &key_for(1));
    assert_eq!(first_state, FileState::Ready);
    assert_eq!(second_state, FileState::Skipped);
    assert_eq!(
        reason_words(&plan, second).as_deref(),
        Some("same photo as IMG_0001.HEIC in this drop")
    );
    assert_eq!(plan.next_batch(0), Some(vec![first]));
}

#[test]
fn a_copy_whose_twin_failed_goes_up_itself() {
    let mut plan = UploadPlan::new(PlanConfig {
        max_attempts: 1,
        ..PlanConfig::default()
    })
    .unwrap();
    let (first, _) = convert(&mut plan, "a.heic", &key_for(1));
    plan.next_batch(0).unwrap();
    assert_eq!(
        plan.upload_failed(
            first,
            Reason::UploadFailed {
                answer: PageAnswer::Status { status: 500 }
            },
            0
        ),
        Ok(FileState::Failed)
    );
    let (_, second_state) = convert(&mut plan, "a copy.heic", &key_for(1));
    assert_eq!(second_state, FileState::Ready);
}

#[test]
fn upload_duplicates_sends_every_copy() {
    let mut plan = UploadPlan::new(PlanConfig {
        upload_duplicates: true,
        ..PlanConfig::default()
    })
    .unwrap();
    plan.remember_uploaded(&key_for(1), "2026-11-20").unwrap();
    let (a, a_state) = convert(&mut plan, "a.heic", &key_for(1));
    let (b, b_state) = convert(&mut plan, "b.heic", &key_for(1));
    assert_eq!((a_state, b_state), (FileState::Ready, FileState::Ready));
    assert_eq!(plan.next_batch(0), Some(vec![a, b]));
}

#[test]
fn garbage_keys_are_refused_so_unrelated_photos_never_collapse() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let id = plan.add_file("a.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    assert_eq!(
        plan.converted(id, "", 0),
        Err(QueueError::InvalidContentKey(String::new()))
    );
    assert!(plan.converted(id, "not-hex", 0).is_err());
    assert_eq!(plan.file(id).unwrap().state, FileState::Converting);
    assert!(plan.remember_uploaded("xyz", "2026-11-20").is_err());
}

#[test]
fn forgetting_frees_a_photo_uploaded_in_this_plan_but_not_a_twin_on_its_way() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let (first, _) = convert(&mut plan, "IMG_0001.HEIC", &key_for(1));
    assert_eq!(plan.next_batch(0), Some(vec![first]));
    plan.upload_succeeded(first, 0).unwrap();
    let (on_its_way, _) = convert(&mut plan, "IMG_0002.HEIC", &key_for(2));
    let (again, state) = convert(&mut plan, "IMG_0001 again.HEIC", &key_for(1));
    assert_eq!(
        state,
        FileState::Skipped,
        "{:?}",
        reason_words(&plan, again)
    );

    plan.forget_uploaded();
    let (after, state) = convert(&mut plan, "IMG_0001.HEIC", &key_for(1));
    assert_eq!(state, FileState::Ready, "{:?}", reason_words(&plan, after));
    let (twin, state) = convert(&mut plan, "IMG_0002 copy.HEIC", &key_for(2));
    assert_eq!(state, FileState::Skipped, "{:?}", reason_words(&plan, twin));
    assert_eq!(plan.file(on_its_way).unwrap().state, FileState::Ready);
}
