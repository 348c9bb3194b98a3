//! The report the user can save: one row per file, as CSV or JSON.

use serde::{Deserialize, Serialize};

use super::plan::UploadPlan;
use super::state::PlannedFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub name: String,
    pub state: String,
    /// Why it was skipped or failed; for a retrying file, the page's last complaint.
    pub reason: String,
    pub attempts: u32,
    pub key: String,
}

impl ReportRow {
    pub fn from_file(file: &PlannedFile) -> ReportRow {
        ReportRow {
            name: file.name.clone(),
            state: file.state.as_str().to_string(),
            reason: file
                .reason
                .clone()
                .or_else(|| file.last_upload_error.clone())
                .unwrap_or_default(),
            attempts: file.attempts,
            key: file.content_key.clone().unwrap_or_default(),
        }
    }
}

pub fn report_rows(plan: &UploadPlan) -> Vec<ReportRow> {
    plan.files().map(ReportRow::from_file).collect()
}

/// RFC 4180 CSV with a header row and CRLF line ends, which spreadsheet programs open as-is.
pub fn report_csv(plan: &UploadPlan) -> String {
    let mut csv = String::from("name,state,reason,attempts,key\r\n");
    for row in report_rows(plan) {
        let fields = [
            csv_field(&row.name),
            csv_field(&row.state),
            csv_field(&row.reason),
            row.attempts.to_string(),
            csv_field(&row.key),
        ];
        csv.push_str(&fields.join(","));
        csv.push_str("\r\n");
    }
    csv
}

pub fn report_json(plan: &UploadPlan) -> String {
    // Serialising strings and integers into a string cannot fail.
    serde_json::to_string_pretty(&report_rows(plan)).unwrap_or_default()
}

/// Quotes a field when it holds a comma, quote or line break (file names may hold any of them),
/// or starts or ends with a space that a reader might trim; quotes inside are doubled.
pub fn csv_field(value: &str) -> String {
    let needs_quotes =
        value.contains([',', '"', '\r', '\n']) || value.starts_with(' ') || value.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_stay_bare() {
        assert_eq!(csv_field("IMG_0001.HEIC"), "IMG_0001.HEIC");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn special_fields_are_quoted_and_quotes_doubled() {
        assert_eq!(csv_field("a,b.jpg"), "\"a,b.jpg\"");
        assert_eq!(
            csv_field("say \"cheese\".png"),
            "\"say \"\"cheese\"\".png\""
        );
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(" padded "), "\" padded \"");
    }
}
