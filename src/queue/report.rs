//! The report the user can save: one row per file, as CSV or JSON. Each reason is there twice:
//! as a stable machine-readable code (`reason_code`, see [`Reason::code`]) and in the words of
//! the user's language, next to it.

use serde::{Deserialize, Serialize};

use super::plan::UploadPlan;
use super::reason::Reason;
use super::state::PlannedFile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub name: String,
    pub state: String,
    /// The code of `reason` (empty when there is none).
    pub reason_code: String,
    /// Why it was skipped or failed; for a retrying file, the page's last complaint.
    pub reason: String,
    pub attempts: u32,
    pub key: String,
}

impl ReportRow {
    /// `words` puts a reason into the reader's language (`crate::words::reason`).
    pub fn from_file(file: &PlannedFile, words: &dyn Fn(&Reason) -> String) -> ReportRow {
        let reason = file.reason.as_ref().or(file.last_upload_error.as_ref());
        ReportRow {
            name: file.name.clone(),
            state: file.state.as_str().to_string(),
            reason_code: reason.map(Reason::code).unwrap_or_default(),
            reason: reason.map(words).unwrap_or_default(),
            attempts: file.attempts,
            key: file.content_key.clone().unwrap_or_default(),
        }
    }
}

pub fn report_rows(plan: &UploadPlan, words: &dyn Fn(&Reason) -> String) -> Vec<ReportRow> {
    plan.files()
        .map(|file| ReportRow::from_file(file, words))
        .collect()
}

/// RFC 4180 CSV with a header row and CRLF line ends, which spreadsheet programs open as-is.
pub fn report_csv(plan: &UploadPlan, words: &dyn Fn(&Reason) -> String) -> String {
    let mut csv = String::from("name,state,reason_code,reason,attempts,key\r\n");
    for row in report_rows(plan, words) {
        let fields = [
            csv_field(&row.name),
            csv_field(&row.state),
            csv_field(&row.reason_code),
            csv_field(&row.reason),
            row.attempts.to_string(),
            csv_field(&row.key),
        ];
        csv.push_str(&fields.join(","));
        csv.push_str("\r\n");
    }
    csv
}

pub fn report_json(plan: &UploadPlan, words: &dyn Fn(&Reason) -> String) -> String {
    // Serialising strings and integers into a string cannot fail.
    serde_json::to_string_pretty(&report_rows(plan, words)).unwrap_or_default()
}

/// Quotes a field when it holds a comma, quote or line break (file names may hold any of them),
/// or starts or ends with a space that a reader might trim; quotes inside are doubled. A field a
/// spreadsheet would evaluate as a formula (a file named `=HYPERLINK(…).jpg`) is escaped first.
pub fn csv_field(value: &str) -> String {
    let value = defuse_formula(value);
    let needs_quotes =
        value.contains([',', '"', '\r', '\n']) || value.starts_with(' ') || value.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

/// The characters with which Excel, LibreOffice and Google Sheets start a formula (or, tab and
/// carriage return, a cell they re-read as one), with their full-width forms, which some of them
/// accept too.
const FORMULA_STARTS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// OWASP's escape for CSV injection: a leading apostrophe, which spreadsheets show as text and do
/// not evaluate. Leading spaces are looked through: some programs trim them before evaluating.
fn defuse_formula(value: &str) -> std::borrow::Cow<'_, str> {
    let starts_formula = value
        .trim_start_matches(' ')
        .starts_with(|c: char| FORMULA_STARTS.contains(&c));
    if starts_formula {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
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

    #[test]
    fn cells_a_spreadsheet_would_evaluate_are_escaped() {
        assert_eq!(csv_field("=1+1.jpg"), "'=1+1.jpg");
        assert_eq!(csv_field("+1.png"), "'+1.png");
        assert_eq!(csv_field("-2.heic"), "'-2.heic");
        assert_eq!(csv_field("@SUM(A1).gif"), "'@SUM(A1).gif");
        assert_eq!(csv_field("\tx.jpg"), "'\tx.jpg");
        assert_eq!(csv_field("\u{FF1D}1+1.jpg"), "'\u{FF1D}1+1.jpg");
        assert_eq!(csv_field("  =1+1.jpg"), "'  =1+1.jpg");
        // Escaped, then quoted as usual: the apostrophe sits inside the quotes.
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("-\nx"), "\"'-\nx\"");
        // Only at the start: a name holding these later on is left alone.
        assert_eq!(csv_field("IMG-1+2=3@x.jpg"), "IMG-1+2=3@x.jpg");
    }

    #[test]
    fn the_json_report_is_not_escaped() {
        let row = ReportRow {
            name: "=1+1.jpg".into(),
            state: "uploaded".into(),
            reason_code: String::new(),
            reason: String::new(),
            attempts: 1,
            key: String::new(),
        };
        let json = serde_json::to_string(&row).unwrap();
        assert!(json.contains("\"name\":\"=1+1.jpg\""), "{json}");
    }
}
