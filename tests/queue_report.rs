//! The saved report: CSV with proper quoting, and JSON.

use photolift::convert::ConvertError;
use photolift::queue::{report_csv, report_json, FileState, PlanConfig, Reason, UploadPlan};
use photolift::words::english_reason;

#[test]
fn csv_quotes_names_with_commas_quotes_and_line_breaks() {
    let mut plan = UploadPlan::new(PlanConfig {
        max_converting: 3,
        ..PlanConfig::default()
    })
    .unwrap();
    let plain = plan.add_file("IMG_0001.HEIC", 1, 0);
    let comma = plan.add_file("Paris, day 1.heic", 1, 0);
    let quoted = plan.add_file("say \"cheese\"\nnow.png", 1, 0);
    let text = plan.add_file("notes.txt", 1, 0);
    plan.skip(
        text,
        Reason::SidecarFile {
            extension: "txt".into(),
        },
    )
    .unwrap();
    for (n, id) in [plain, comma, quoted].into_iter().enumerate() {
        plan.next_to_convert(0).unwrap();
        if id == quoted {
            plan.conversion_failed(
                id,
                Reason::Conversion {
                    error: ConvertError::Damaged {
                        format: "PNG".into(),
                        detail: "\"IDAT\" missing, truncated".into(),
                    },
                },
            )
            .unwrap();
        } else {
            assert_eq!(
                plan.converted(id, &format!("{n:064x}"), 0),
                Ok(FileState::Ready)
            );
        }
    }
    plan.next_batch(0).unwrap();
    plan.upload_succeeded(plain, 1).unwrap();

    let zero_key = format!("{:064x}", 0);
    let one_key = format!("{:064x}", 1);
    let expected = format!(
        "name,state,reason_code,reason,attempts,key\r\n\
         IMG_0001.HEIC,uploaded,,,1,{zero_key}\r\n\
         \"Paris, day 1.heic\",uploading,,,1,{one_key}\r\n\
         \"say \"\"cheese\"\"\nnow.png\",failed,conversion.damaged,\"This PNG file is damaged or incomplete. If you have the original elsewhere, copy or export it again.\",0,\r\n\
         notes.txt,skipped,sidecar_file,not a photo or video (TXT file),0,\r\n"
    );
    assert_eq!(report_csv(&plan, &english_reason), expected);
}

#[test]
fn json_lists_every_file_with_its_state_reason_code_reason_attempts_and_key() {
    let mut plan = UploadPlan::new(PlanConfig::default()).unwrap();
    let id = plan.add_file("a \"b\".heic", 1, 0);
    plan.skip(
        id,
        Reason::SidecarFile {
            extension: "txt".into(),
        },
    )
    .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&report_json(&plan, &english_reason)).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{
            "name": "a \"b\".heic",
            "state": "skipped",
            "reason_code": "sidecar_file",
            "reason": "not a photo or video (TXT file)",
            "attempts": 0,
            "key": ""
        }])
    );
}
