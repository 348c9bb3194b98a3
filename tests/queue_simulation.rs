//! A whole drop of 1,000 photos against a simulated page and server that fail at random, driven
//! the way the web shell drives the plan. Randomness comes from a fixed-seed LCG, so every run
//! is the same.

use photolift::queue::{PageAnswer, Reason};
use photolift::words::english_reason;
use std::collections::{HashMap, HashSet};

use photolift::queue::{FileId, FileState, PlanConfig, PlanState, UploadPlan};

/// Knuth's MMIX linear congruential generator: enough randomness for fault injection.
struct Lcg(u64);

impl Lcg {
    fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// A whole number in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        self.next_u32() % n
    }
}

/// What the page will report for one hand-off, and when.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PageResult {
    /// The server stored the photo; the page says so.
    Stored,
    /// The server refused; the page says it failed.
    Refused,
    /// The server already had these bytes: HTTP 409.
    AlreadyThere,
}

/// Per-hand-off fault rates, in percent.
struct Faults {
    refused: u32,
    /// The page never reports, and the server got nothing.
    silent: u32,
    /// The server stores the photo but the page reports it only `late_report_ms` after the plan
    /// gave up waiting for it (the batch timed out).
    late_success: u32,
    late_report_ms: u64,
}

struct Outcome {
    plan: UploadPlan,
    /// How many times the server stored each file.
    receipts: HashMap<FileId, u32>,
    /// Hand-offs of a file the plan already knew was uploaded.
    sent_after_known_uploaded: usize,
}

const TICK_MS: u64 = 500;

fn key_for(id: FileId) -> String {
    format!("{:064x}", u64::from(id.0) * 7_919 + 1)
}

/// Runs a drop of `files` photos to the end. With `server_dedupes` the server answers 409 for
/// bytes it has, as iCloud does; without it, it stores every copy it is sent.
fn run_drop(files: u32, faults: Faults, server_dedupes: bool, seed: u64) -> Outcome {
    let config = PlanConfig {
        max_converting: 4,
        ..PlanConfig::default()
    };
    let convert_ahead = config.convert_ahead;
    let batch_size = config.batch_size;
    let mut plan = UploadPlan::new(config).unwrap();
    let mut rng = Lcg(seed);
    for n in 0..files {
        plan.add_file(format!("IMG_{n:04}.HEIC"), 1_000_000 + u64::from(n), 0);
    }

    let mut receipts: HashMap<FileId, u32> = HashMap::new();
    let mut sent_after_known_uploaded = 0;
    let mut conversions: Vec<(u64, FileId)> = Vec::new();
    let mut page_reports: Vec<(u64, FileId, PageResult)> = Vec::new();
    let mut reported_after_timeout: HashSet<FileId> = HashSet::new();
    let mut now = 0;

    loop {
        now += TICK_MS;
        assert!(
            now < 100_000_000,
            "the plan got stuck: {:?}",
            plan.summary()
        );

        for id in plan.check_timeouts(now) {
            if reported_after_timeout.remove(&id) {
                page_reports.push((now + faults.late_report_ms, id, PageResult::Stored));
            }
        }

        let (due, later): (Vec<_>, Vec<_>) =
            conversions.into_iter().partition(|(at, _)| *at <= now);
        conversions = later;
        for (_, id) in due {
            plan.converted(id, &key_for(id), now).unwrap();
        }

        let (due, later): (Vec<_>, Vec<_>) =
            page_reports.into_iter().partition(|(at, _, _)| *at <= now);
        page_reports = later;
        for (_, id, result) in due {
            // Late reports may find the file in any state; the plan refuses what no longer fits.
            let _ = match result {
                PageResult::Stored => plan.upload_succeeded(id, now),
                PageResult::AlreadyThere => plan.upload_already_there(id, now),
                PageResult::Refused => plan
                    .upload_failed(
                        id,
                        Reason::UploadFailed {
                            answer: PageAnswer::Status { status: 503 },
                        },
                        now,
                    )
                    .map(|_| ()),
            };
        }

        while let Some(id) = plan.next_to_convert(now) {
            conversions.push((now + TICK_MS * u64::from(1 + rng.below(3)), id));
        }

        if let Some(batch) = plan.next_batch(now) {
            assert!(batch.len() <= batch_size);
            for id in batch {
                // `uploaded_at_ms` is set when the plan learns of an upload and never cleared.
                if plan.file(id).unwrap().uploaded_at_ms.is_some() {
                    sent_after_known_uploaded += 1;
                }
                let stored_before = receipts.get(&id).copied().unwrap_or(0) > 0;
                let roll = rng.below(100);
                let delay = TICK_MS * u64::from(1 + rng.below(6));
                if server_dedupes && stored_before {
                    page_reports.push((now + delay, id, PageResult::AlreadyThere));
                } else if roll < faults.refused {
                    page_reports.push((now + delay, id, PageResult::Refused));
                } else if roll < faults.refused + faults.silent {
                    // Nothing comes back; the plan's timeout has to notice.
                } else if roll < faults.refused + faults.silent + faults.late_success {
                    *receipts.entry(id).or_default() += 1;
                    reported_after_timeout.insert(id);
                } else {
                    *receipts.entry(id).or_default() += 1;
                    page_reports.push((now + delay, id, PageResult::Stored));
                }
            }
        }

        // Checked after every step: never more than the window converted-but-not-uploaded.
        let summary = plan.summary();
        assert!(summary.converting + summary.ready + summary.uploading <= convert_ahead);
        assert!(summary.converting <= 4);

        if summary.state == PlanState::Done
            && conversions.is_empty()
            && page_reports.is_empty()
            && reported_after_timeout.is_empty()
        {
            break;
        }
    }
    Outcome {
        plan,
        receipts,
        sent_after_known_uploaded,
    }
}

#[test]
fn a_thousand_photos_with_ten_percent_failures_are_each_uploaded_at_most_once() {
    let outcome = run_drop(
        1_000,
        Faults {
            refused: 10,
            silent: 1,
            // Reported after the timeout but before the retry backoff ends: believing the late
            // report is what keeps the server from getting the photo twice.
            late_success: 1,
            late_report_ms: 500,
        },
        false,
        0x5eed,
    );
    let plan = &outcome.plan;
    let summary = plan.summary();
    assert_eq!(summary.total, 1_000);
    assert_eq!(summary.uploaded + summary.failed, 1_000, "{summary:?}");
    assert!(summary.uploaded >= 990, "{summary:?}");

    for file in plan.files() {
        let receipts = outcome.receipts.get(&file.id).copied().unwrap_or(0);
        assert!(receipts <= 1, "{} stored {receipts} times", file.name);
        match file.state {
            FileState::Uploaded => assert_eq!(receipts, 1, "{} uploaded but not stored", file.name),
            FileState::Failed => {
                assert_eq!(receipts, 0);
                assert_eq!(file.attempts, 3);
                assert!(file
                    .reason
                    .as_ref()
                    .map(english_reason)
                    .as_deref()
                    .unwrap()
                    .contains("(3 tries)"));
            }
            other => panic!("{} ended {other}", file.name),
        }
    }
    assert_eq!(outcome.sent_after_known_uploaded, 0);
    let retried = plan
        .files()
        .filter(|file| file.state == FileState::Uploaded && file.attempts > 1)
        .count();
    assert!(retried > 50, "the faults were exercised: {retried} retried");
}

#[test]
fn late_confirmations_and_409s_still_end_with_every_photo_uploaded_once_or_failed() {
    let outcome = run_drop(
        1_000,
        Faults {
            refused: 10,
            silent: 2,
            late_success: 2,
            late_report_ms: 10_000,
        },
        true,
        0xfeed,
    );
    let plan = &outcome.plan;
    let summary = plan.summary();
    assert_eq!(summary.uploaded + summary.failed, 1_000, "{summary:?}");
    for file in plan.files() {
        let receipts = outcome.receipts.get(&file.id).copied().unwrap_or(0);
        assert!(receipts <= 1, "{} stored {receipts} times", file.name);
        if file.state == FileState::Uploaded {
            assert_eq!(receipts, 1, "{} uploaded but not stored", file.name);
        }
    }
    assert_eq!(outcome.sent_after_known_uploaded, 0);
    let settled_by_409 = plan
        .files()
        .filter(|file| file.reason == Some(Reason::AlreadyThere))
        .count();
    assert!(
        settled_by_409 > 0,
        "a late success was re-sent and answered 409"
    );
}
