//! Batching order and size, one batch in flight at a time, the convert-ahead window and the
//! worker limit, and the summary and change list the panel reads.

use photolift::queue::{FileId, FileState, PlanConfig, PlanState, UploadPlan};

fn key_for(n: u32) -> String {
    format!("{n:064x}")
}

fn plan_with(config: PlanConfig, files: u32) -> (UploadPlan, Vec<FileId>) {
    let mut plan = UploadPlan::new(config).unwrap();
    let ids = (0..files)
        .map(|n| plan.add_file(format!("IMG_{n:04}.HEIC"), 1_000 + u64::from(n), 0))
        .collect();
    (plan, ids)
}

/// Converts everything the plan lets convert right now.
fn convert_all_allowed(plan: &mut UploadPlan, now_ms: u64) -> Vec<FileId> {
    let mut converted = Vec::new();
    while let Some(id) = plan.next_to_convert(now_ms) {
        assert_eq!(
            plan.converted(id, &key_for(id.0), now_ms),
            Ok(FileState::Ready)
        );
        converted.push(id);
    }
    converted
}

#[test]
fn batches_go_in_the_order_files_were_added_and_hold_at_most_batch_size() {
    let config = PlanConfig {
        batch_size: 3,
        convert_ahead: 10,
        max_converting: 10,
        ..PlanConfig::default()
    };
    let (mut plan, ids) = plan_with(config, 7);
    convert_all_allowed(&mut plan, 0);

    let first = plan.next_batch(0).unwrap();
    assert_eq!(first, ids[0..3]);
    for &id in &first {
        assert_eq!(plan.file(id).unwrap().state, FileState::Uploading);
        assert_eq!(plan.file(id).unwrap().attempts, 1);
        plan.upload_succeeded(id, 10).unwrap();
    }
    assert_eq!(plan.next_batch(10).unwrap(), ids[3..6]);
    for &id in &ids[3..6] {
        plan.upload_succeeded(id, 20).unwrap();
    }
    assert_eq!(
        plan.next_batch(20).unwrap(),
        ids[6..7],
        "the rest, even if short"
    );
    plan.upload_succeeded(ids[6], 30).unwrap();
    assert_eq!(plan.next_batch(30), None);
    assert_eq!(plan.summary().state, PlanState::Done);
}

#[test]
fn the_next_batch_waits_until_every_file_of_the_last_one_is_resolved() {
    let config = PlanConfig {
        batch_size: 2,
        convert_ahead: 10,
        max_converting: 10,
        ..PlanConfig::default()
    };
    let (mut plan, ids) = plan_with(config, 4);
    convert_all_allowed(&mut plan, 0);

    let first = plan.next_batch(0).unwrap();
    assert_eq!(plan.next_batch(1), None, "first batch still in flight");
    plan.upload_succeeded(first[0], 2).unwrap();
    assert_eq!(
        plan.next_batch(3),
        None,
        "one file of the batch still uploading"
    );
    assert!(plan.batch_in_flight().is_some());
    plan.upload_failed(first[1], "server said 500", 4).unwrap();
    assert!(
        plan.batch_in_flight().is_none(),
        "a failed file resolves it too"
    );
    assert_eq!(plan.next_batch(5).unwrap(), ids[2..4]);
}

#[test]
fn no_more_than_convert_ahead_files_are_converted_but_not_uploaded() {
    let config = PlanConfig {
        batch_size: 4,
        convert_ahead: 6,
        max_converting: 3,
        ..PlanConfig::default()
    };
    let (mut plan, _ids) = plan_with(config, 30);
    let in_memory = |plan: &UploadPlan| {
        let summary = plan.summary();
        summary.converting + summary.ready + summary.uploading
    };

    let mut now = 0;
    let mut converting = Vec::new();
    while plan.summary().state != PlanState::Done {
        now += 100;
        while let Some(id) = plan.next_to_convert(now) {
            converting.push(id);
            assert!(plan.summary().converting <= 3, "worker limit");
            assert!(in_memory(&plan) <= 6, "window");
        }
        if let Some(id) = converting.pop() {
            plan.converted(id, &key_for(id.0), now).unwrap();
        }
        assert!(in_memory(&plan) <= 6);
        if let Some(batch) = plan.next_batch(now) {
            assert!(batch.len() <= 4);
            assert!(in_memory(&plan) <= 6);
            for id in batch {
                plan.upload_succeeded(id, now).unwrap();
            }
        }
        assert!(now < 100_000, "the plan got stuck");
    }
    assert_eq!(plan.summary().uploaded, 30);
}

#[test]
fn the_window_stops_conversion_until_a_batch_is_uploaded() {
    let config = PlanConfig {
        batch_size: 2,
        convert_ahead: 4,
        max_converting: 8,
        ..PlanConfig::default()
    };
    let (mut plan, ids) = plan_with(config, 10);
    assert_eq!(convert_all_allowed(&mut plan, 0), ids[0..4]);
    let batch = plan.next_batch(0).unwrap();
    assert_eq!(
        plan.next_to_convert(0),
        None,
        "handed but not uploaded still counts"
    );
    plan.upload_succeeded(batch[0], 1).unwrap();
    assert_eq!(plan.next_to_convert(1), Some(ids[4]));
    assert_eq!(plan.next_to_convert(1), None);
}

#[test]
fn workers_are_not_given_more_than_max_converting() {
    let config = PlanConfig {
        max_converting: 2,
        ..PlanConfig::default()
    };
    let (mut plan, ids) = plan_with(config, 5);
    assert_eq!(plan.next_to_convert(0), Some(ids[0]));
    assert_eq!(plan.next_to_convert(0), Some(ids[1]));
    assert_eq!(plan.next_to_convert(0), None);
    plan.converted(ids[0], &key_for(0), 1).unwrap();
    assert_eq!(plan.next_to_convert(1), Some(ids[2]));
}

#[test]
fn summary_counts_every_state() {
    let config = PlanConfig {
        batch_size: 1,
        max_converting: 5,
        ..PlanConfig::default()
    };
    let (mut plan, ids) = plan_with(config, 7);
    assert_eq!(plan.summary().state, PlanState::Idle);
    plan.skip(ids[6], "not a photo or video").unwrap();
    for _ in 0..5 {
        plan.next_to_convert(0).unwrap();
    }
    plan.converted(ids[0], &key_for(0), 0).unwrap();
    plan.converted(ids[1], &key_for(1), 0).unwrap();
    plan.converted(ids[2], &key_for(2), 0).unwrap();
    plan.conversion_failed(ids[3], "the HEIC file is damaged")
        .unwrap();
    assert_eq!(plan.next_batch(0), Some(vec![ids[0]]));
    plan.upload_succeeded(ids[0], 1).unwrap();
    assert_eq!(plan.next_batch(1), Some(vec![ids[1]]));

    let summary = plan.summary();
    assert_eq!(summary.total, 7);
    assert_eq!(summary.queued, 1);
    assert_eq!(summary.converting, 1);
    assert_eq!(summary.ready, 1);
    assert_eq!(summary.uploading, 1);
    assert_eq!(summary.uploaded, 1);
    assert_eq!(summary.skipped, 1);
    assert_eq!(summary.failed, 1);
    assert_eq!(summary.awaiting_original, 0);
    assert_eq!(summary.state, PlanState::Running);
    assert_eq!(
        serde_json::to_value(summary).unwrap()["state"],
        serde_json::json!("running")
    );
}

#[test]
fn changes_list_each_touched_row_once() {
    let (mut plan, ids) = plan_with(PlanConfig::default(), 3);
    assert_eq!(plan.take_changes(), ids);
    assert_eq!(plan.take_changes(), vec![]);
    let id = plan.next_to_convert(0).unwrap();
    plan.converted(id, &key_for(0), 0).unwrap();
    assert_eq!(plan.take_changes(), vec![ids[0]]);
}

#[test]
fn files_are_listed_in_the_order_added() {
    let (plan, ids) = plan_with(PlanConfig::default(), 4);
    let listed: Vec<FileId> = plan.files().map(|file| file.id).collect();
    assert_eq!(listed, ids);
    assert_eq!(plan.file(ids[2]).unwrap().name, "IMG_0002.HEIC");
    assert!(plan.file(FileId(99)).is_none());
}

const MB: u64 = 1024 * 1024;

/// A drop of big files: a 3 GB video (too big to read whole: it goes up as its original, holding
/// nothing) and 100 MB PNGs whose JPEGs are 20 MB.
#[test]
fn the_window_is_bounded_in_bytes_as_well_as_in_files() {
    let config = PlanConfig {
        batch_size: 20,
        convert_ahead: 40,
        max_converting: 4,
        convert_ahead_bytes: 160 * MB,
        ..PlanConfig::default()
    };
    let mut plan = UploadPlan::new(config).unwrap();
    let video = plan.add_file("IMG_0001.MOV", 3 << 30, 0);
    let pngs: Vec<FileId> = (0..6)
        .map(|n| plan.add_file(format!("PANO_{n}.png"), 100 * MB, 0))
        .collect();

    // The video counts one read chunk while it is hashed, so a PNG converts beside it; the second
    // PNG would pass the byte bound.
    assert_eq!(plan.next_to_convert(0), Some(video));
    assert_eq!(plan.bytes_in_window(), 8 * MB);
    assert_eq!(plan.next_to_convert(0), Some(pngs[0]));
    assert_eq!(plan.bytes_in_window(), 108 * MB);
    assert_eq!(
        plan.next_to_convert(0),
        None,
        "the byte bound, not the workers"
    );

    // Handed over as the original File, the video holds nothing; the PNG's JPEG holds 20 MB.
    plan.converted_holding(video, &key_for(0), 0, 1).unwrap();
    plan.converted_holding(pngs[0], &key_for(1), 20 * MB, 1)
        .unwrap();
    assert_eq!(plan.bytes_in_window(), 20 * MB);
    assert_eq!(plan.next_to_convert(1), Some(pngs[1]));
    assert_eq!(plan.next_to_convert(1), None, "20 + 100 + 100 MB > 160 MB");
    plan.converted_holding(pngs[1], &key_for(2), 20 * MB, 2)
        .unwrap();
    assert_eq!(plan.next_to_convert(2), Some(pngs[2]));
    assert_eq!(plan.bytes_in_window(), 140 * MB);

    // Uploaded files leave the window and free their bytes.
    let batch = plan.next_batch(3).unwrap();
    assert_eq!(batch, vec![video, pngs[0], pngs[1]]);
    for id in batch {
        plan.upload_succeeded(id, 4).unwrap();
    }
    assert_eq!(plan.bytes_in_window(), 100 * MB);
    assert_eq!(plan.next_to_convert(4), None, "100 + 100 MB > 160 MB");
    plan.conversion_failed(pngs[2], "the image is too large")
        .unwrap();
    assert_eq!(plan.bytes_in_window(), 0);
    assert_eq!(plan.next_to_convert(5), Some(pngs[3]));
}

/// However big a file, an empty window takes it: nothing waits for ever.
#[test]
fn an_empty_window_takes_a_file_bigger_than_the_byte_bound() {
    let config = PlanConfig {
        convert_ahead_bytes: 10 * MB,
        ..PlanConfig::default()
    };
    let mut plan = UploadPlan::new(config).unwrap();
    let big = plan.add_file("scan.tif", 400 * MB, 0);
    let small = plan.add_file("IMG_1.HEIC", 3 * MB, 0);
    assert_eq!(plan.next_to_convert(0), Some(big));
    assert_eq!(plan.next_to_convert(0), None);
    plan.converted_holding(big, &key_for(0), 30 * MB, 1)
        .unwrap();
    assert_eq!(
        plan.next_to_convert(1),
        None,
        "its JPEG still fills the window"
    );
    let batch = plan.next_batch(1).unwrap();
    plan.upload_succeeded(batch[0], 2).unwrap();
    assert_eq!(plan.next_to_convert(2), Some(small));
}
