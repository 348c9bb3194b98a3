//! Retry with backoff, the limit of tries, batch timeouts, late confirmations and refused moves.

use photolift::convert::ConvertError;
use photolift::queue::{FileId, FileState, PlanConfig, QueueError, UploadPlan};
use photolift::queue::{PageAnswer, Reason};
use photolift::words::english_reason;

fn key_for(n: u32) -> String {
    format!("{n:064x}")
}

/// A plan with one file, converted at t=0 and ready.
fn one_ready_file(config: PlanConfig) -> (UploadPlan, FileId) {
    let mut plan = UploadPlan::new(config).unwrap();
    let id = plan.add_file("IMG_0001.HEIC", 2_000_000, 0);
    plan.next_to_convert(0).unwrap();
    plan.converted(id, &key_for(1), 0).unwrap();
    (plan, id)
}

#[test]
fn failed_uploads_retry_after_doubling_backoff_then_fail_with_the_tries_named() {
    let (mut plan, id) = one_ready_file(PlanConfig::default());

    assert_eq!(plan.next_batch(1_000), Some(vec![id]));
    assert_eq!(
        plan.upload_failed(
            id,
            Reason::UploadFailed {
                answer: PageAnswer::Status { status: 503 }
            },
            1_500
        ),
        Ok(FileState::Ready)
    );
    let file = plan.file(id).unwrap();
    assert_eq!(file.not_before_ms, 3_500, "2 s after the first failure");
    assert_eq!(
        file.last_upload_error
            .as_ref()
            .map(english_reason)
            .as_deref(),
        Some("The upload did not finish: iCloud answered 503")
    );
    assert_eq!(plan.next_batch(3_499), None);
    assert_eq!(plan.next_wake_ms(), Some(3_500));

    assert_eq!(plan.next_batch(3_500), Some(vec![id]));
    assert_eq!(
        plan.upload_failed(
            id,
            Reason::UploadFailed {
                answer: PageAnswer::Status { status: 503 }
            },
            4_000
        ),
        Ok(FileState::Ready)
    );
    assert_eq!(
        plan.file(id).unwrap().not_before_ms,
        8_000,
        "4 s after the second"
    );
    assert_eq!(plan.next_batch(7_999), None);

    assert_eq!(plan.next_batch(8_000), Some(vec![id]));
    assert_eq!(
        plan.upload_failed(
            id,
            Reason::UploadFailed {
                answer: PageAnswer::Status { status: 503 }
            },
            9_000
        ),
        Ok(FileState::Failed)
    );
    let file = plan.file(id).unwrap();
    assert_eq!(file.attempts, 3);
    assert_eq!(
        file.reason.as_ref().map(english_reason).as_deref(),
        Some("The upload did not finish: iCloud answered 503 (3 tries). You can retry it later.")
    );
    assert_eq!(plan.next_batch(100_000), None);
}

#[test]
fn backoff_is_capped() {
    let config = PlanConfig {
        max_attempts: 10,
        backoff_base_ms: 20_000,
        backoff_cap_ms: 60_000,
        ..PlanConfig::default()
    };
    let (mut plan, id) = one_ready_file(config);
    let mut now = 0;
    let mut waits = Vec::new();
    for _ in 0..4 {
        now = plan.file(id).unwrap().not_before_ms;
        plan.next_batch(now).unwrap();
        plan.upload_failed(
            id,
            Reason::UploadFailed {
                answer: PageAnswer::ConnectionLost,
            },
            now,
        )
        .unwrap();
        waits.push(plan.file(id).unwrap().not_before_ms - now);
    }
    assert_eq!(waits, vec![20_000, 40_000, 60_000, 60_000]);
    assert!(now > 0);
}

#[test]
fn a_ready_file_in_backoff_does_not_hold_back_the_others() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let a = plan.add_file("a.heic", 1, 0);
    let b = plan.add_file("b.heic", 1, 0);
    plan.next_to_convert(0).unwrap();
    plan.converted(a, &key_for(1), 0).unwrap();
    assert_eq!(plan.next_batch(0), Some(vec![a]));
    plan.upload_failed(
        a,
        Reason::UploadFailed {
            answer: PageAnswer::Status { status: 500 },
        },
        0,
    )
    .unwrap();
    plan.next_to_convert(0).unwrap();
    plan.converted(b, &key_for(2), 0).unwrap();
    assert_eq!(plan.next_batch(1), Some(vec![b]));
    plan.upload_succeeded(b, 2).unwrap();
    assert_eq!(plan.next_batch(2_000), Some(vec![a]));
}

#[test]
fn a_stalled_batch_times_out_into_a_retry_and_finally_a_failure() {
    let (mut plan, id) = one_ready_file(PlanConfig::default());

    plan.next_batch(0).unwrap();
    assert_eq!(plan.next_wake_ms(), Some(120_000));
    assert!(plan.check_timeouts(119_999).is_empty());
    assert_eq!(plan.check_timeouts(120_000), vec![id]);
    assert_eq!(plan.file(id).unwrap().state, FileState::Ready);
    assert_eq!(plan.file(id).unwrap().not_before_ms, 122_000);
    assert!(plan.batch_in_flight().is_none());

    plan.next_batch(122_000).unwrap();
    assert_eq!(plan.check_timeouts(242_000), vec![id]);
    plan.next_batch(246_000).unwrap();
    assert_eq!(plan.check_timeouts(366_000), vec![id]);

    let file = plan.file(id).unwrap();
    assert_eq!(file.state, FileState::Failed);
    assert_eq!(
        file.reason.as_ref().map(english_reason).as_deref(),
        Some("the page did not finish the upload in 120 s (3 tries). You can retry it later.")
    );
}

#[test]
fn progress_from_the_page_extends_the_timeout() {
    let (mut plan, id) = one_ready_file(PlanConfig::default());
    plan.next_batch(0).unwrap();
    plan.upload_progress(100_000);
    assert!(plan.check_timeouts(120_000).is_empty());
    assert!(plan.check_timeouts(219_999).is_empty());
    assert_eq!(plan.check_timeouts(220_000), vec![id]);
}

#[test]
fn a_resolved_file_in_the_batch_counts_as_progress_for_the_rest() {
    let config = PlanConfig {
        max_converting: 2,
        ..PlanConfig::default()
    };
    let mut plan = UploadPlan::new(config).unwrap();
    let a = plan.add_file("a.heic", 1, 0);
    let b = plan.add_file("b.heic", 1, 0);
    for (n, id) in [a, b].into_iter().enumerate() {
        plan.next_to_convert(0).unwrap();
        plan.converted(id, &key_for(n as u32), 0).unwrap();
    }
    plan.next_batch(0).unwrap();
    plan.upload_succeeded(a, 90_000).unwrap();
    assert!(plan.check_timeouts(120_000).is_empty());
    assert_eq!(plan.check_timeouts(210_000), vec![b]);
}

#[test]
fn a_confirmation_after_the_timeout_is_believed_and_the_file_is_not_sent_again() {
    let (mut plan, id) = one_ready_file(PlanConfig::default());
    plan.next_batch(0).unwrap();
    plan.check_timeouts(120_000);
    assert_eq!(plan.file(id).unwrap().state, FileState::Ready);

    plan.upload_succeeded(id, 121_000).unwrap();
    assert_eq!(plan.file(id).unwrap().state, FileState::Uploaded);
    assert_eq!(plan.next_batch(200_000), None);
    // A repeated confirmation changes nothing.
    assert_eq!(plan.upload_succeeded(id, 122_000), Ok(()));
    assert_eq!(plan.summary().uploaded, 1);
}

#[test]
fn already_there_counts_as_uploaded() {
    let (mut plan, id) = one_ready_file(PlanConfig::default());
    plan.next_batch(0).unwrap();
    plan.upload_already_there(id, 5).unwrap();
    let file = plan.file(id).unwrap();
    assert_eq!(file.state, FileState::Uploaded);
    assert_eq!(file.uploaded_at_ms, Some(5));
    assert!(plan.batch_in_flight().is_none());
}

#[test]
fn moves_that_do_not_fit_are_refused_with_a_typed_error() {
    let (mut plan, id) = one_ready_file(PlanConfig::default());
    assert_eq!(
        plan.upload_failed(id, Reason::NeverStarted, 0),
        Err(QueueError::IllegalTransition {
            id,
            from: FileState::Ready,
            to: FileState::Ready
        })
    );
    assert_eq!(
        plan.upload_succeeded(id, 0),
        Err(QueueError::NeverHandedToPage(id))
    );
    assert_eq!(
        plan.conversion_failed(id, Reason::WorkerCrashed),
        Err(QueueError::IllegalTransition {
            id,
            from: FileState::Ready,
            to: FileState::Failed
        })
    );
    assert_eq!(
        plan.converted(id, &key_for(1), 0),
        Err(QueueError::IllegalTransition {
            id,
            from: FileState::Ready,
            to: FileState::Ready
        })
    );
    assert_eq!(
        plan.skip(id, Reason::SystemFile).map_err(|e| e.to_string()),
        Err("file #0 cannot go from ready to skipped".into())
    );
    assert_eq!(
        plan.upload_succeeded(FileId(42), 0),
        Err(QueueError::UnknownFile(FileId(42)))
    );
    assert_eq!(plan.file(id).unwrap().state, FileState::Ready, "unchanged");
}

#[test]
fn a_conversion_failure_is_final_and_keeps_its_reason() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let id = plan.add_file("broken.heic", 10, 0);
    plan.next_to_convert(0).unwrap();
    plan.conversion_failed(
        id,
        Reason::Conversion {
            error: ConvertError::Damaged {
                format: "HEIC".into(),
                detail: "no image item".into(),
            },
        },
    )
    .unwrap();
    let file = plan.file(id).unwrap();
    assert_eq!(file.state, FileState::Failed);
    assert_eq!(
        file.reason.as_ref().map(english_reason).as_deref(),
        Some("This HEIC file is damaged or incomplete. If you have the original elsewhere, copy or export it again.")
    );
    assert_eq!(plan.next_to_convert(1), None);
}

#[test]
fn invalid_configurations_are_refused() {
    for config in [
        PlanConfig {
            batch_size: 0,
            ..PlanConfig::default()
        },
        PlanConfig {
            convert_ahead: 0,
            ..PlanConfig::default()
        },
        PlanConfig {
            max_attempts: 0,
            ..PlanConfig::default()
        },
    ] {
        assert!(matches!(
            UploadPlan::new(config),
            Err(QueueError::InvalidConfig(_))
        ));
    }
}
