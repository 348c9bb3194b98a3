//! Pause, resume, cancel and retry_failed, and the plan state the summary reports.

mod common;
use common::reason_words;

use photolift::convert::ConvertError;
use photolift::queue::{FileState, PlanConfig, PlanState, UploadPlan};
use photolift::queue::{PageAnswer, Reason};

fn key_for(n: u32) -> String {
    format!("{n:064x}")
}

#[test]
fn pause_stops_new_work_but_lets_work_in_flight_finish() {
    let mut plan = UploadPlan::new(PlanConfig {
        batch_size: 1,
        ..PlanConfig::default()
    })
    .unwrap();
    let a = plan.add_file("a.heic", 1, 0);
    let b = plan.add_file("b.heic", 1, 0);
    let c = plan.add_file("c.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    plan.next_to_convert(0).unwrap();
    plan.converted(a, &key_for(1), 0).unwrap();
    plan.next_batch(0).unwrap();

    plan.pause();
    assert!(plan.is_paused());
    assert_eq!(plan.summary().state, PlanState::Paused);
    assert_eq!(plan.next_to_convert(1), None);
    // The worker and the page finish what they have.
    plan.converted(b, &key_for(2), 1).unwrap();
    plan.upload_succeeded(a, 1).unwrap();
    assert_eq!(plan.next_batch(2), None);
    assert_eq!(plan.next_wake_ms(), None);

    plan.resume();
    assert_eq!(plan.summary().state, PlanState::Running);
    assert_eq!(plan.next_batch(3), Some(vec![b]));
    assert_eq!(plan.next_to_convert(3), Some(c));
}

#[test]
fn cancel_skips_everything_unfinished_and_the_plan_is_done() {
    let mut plan = UploadPlan::new(PlanConfig {
        batch_size: 1,
        ..PlanConfig::default()
    })
    .unwrap();
    let ids: Vec<_> = (0..5)
        .map(|n| plan.add_file(format!("{n}.heic"), 1, 0))
        .collect();
    plan.next_to_convert(0).unwrap();
    plan.next_to_convert(0).unwrap();
    plan.converted(ids[0], &key_for(0), 0).unwrap();
    plan.next_batch(0).unwrap();
    plan.upload_succeeded(ids[0], 1).unwrap();
    plan.next_to_convert(1).unwrap();
    plan.converted(ids[1], &key_for(1), 1).unwrap();
    plan.next_batch(1).unwrap(); // ids[1] uploading, ids[2] converting, 3 and 4 queued

    assert_eq!(plan.cancel(), 4);
    let summary = plan.summary();
    assert_eq!((summary.uploaded, summary.skipped), (1, 4));
    assert_eq!(summary.state, PlanState::Done);
    for &id in &ids[1..] {
        assert_eq!(reason_words(&plan, id).as_deref(), Some("cancelled"));
    }
    assert!(plan.batch_in_flight().is_none());

    // The worker's late result is refused; the page's late confirmation is the truth.
    assert!(plan.converted(ids[2], &key_for(2), 2).is_err());
    plan.upload_succeeded(ids[1], 2).unwrap();
    assert_eq!(plan.file(ids[1]).unwrap().state, FileState::Uploaded);
    assert_eq!(plan.next_to_convert(3), None);
}

#[test]
fn retry_failed_requeues_failed_files_with_fresh_tries() {
    let mut plan = UploadPlan::new(PlanConfig {
        max_attempts: 1,
        max_converting: 2,
        ..PlanConfig::default()
    })
    .unwrap();
    let bad = plan.add_file("bad.heic", 1, 0);
    let flaky = plan.add_file("flaky.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    plan.next_to_convert(0).unwrap();
    plan.conversion_failed(
        bad,
        Reason::Conversion {
            error: ConvertError::Damaged {
                format: "HEIC".into(),
                detail: "no image item".into(),
            },
        },
    )
    .unwrap();
    plan.converted(flaky, &key_for(1), 0).unwrap();
    plan.next_batch(0).unwrap();
    plan.upload_failed(
        flaky,
        Reason::UploadFailed {
            answer: PageAnswer::Status { status: 500 },
        },
        0,
    )
    .unwrap();
    assert_eq!(plan.summary().failed, 2);
    assert_eq!(plan.summary().state, PlanState::Done);

    assert_eq!(plan.retry_failed(), 2);
    for id in [bad, flaky] {
        let file = plan.file(id).unwrap();
        assert_eq!(file.state, FileState::Queued);
        assert_eq!(file.attempts, 0);
        assert_eq!(file.reason, None);
    }
    assert_eq!(plan.summary().state, PlanState::Running);
    assert_eq!(plan.next_to_convert(10), Some(bad));
    assert_eq!(plan.next_to_convert(10), Some(flaky));
    // Its own key from the first round does not make it a duplicate of itself.
    assert_eq!(plan.converted(flaky, &key_for(1), 10), Ok(FileState::Ready));
    assert_eq!(plan.next_batch(10), Some(vec![flaky]));
    plan.upload_succeeded(flaky, 11).unwrap();
    assert_eq!(plan.file(flaky).unwrap().attempts, 1);
}

#[test]
fn intake_skips_and_the_states_of_an_empty_and_a_finished_plan() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    assert_eq!(plan.summary().state, PlanState::Idle);
    let doc = plan.add_file("notes.txt", 1, 0);
    plan.skip(
        doc,
        Reason::SidecarFile {
            extension: "txt".into(),
        },
    )
    .unwrap();
    let summary = plan.summary();
    assert_eq!((summary.total, summary.skipped), (1, 1));
    assert_eq!(summary.state, PlanState::Done);
    assert_eq!(plan.next_to_convert(0), None);
}
