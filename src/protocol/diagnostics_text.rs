//! The diagnostics report for a page photolift no longer recognises, as plain text a user pastes
//! into a bug report. It is built from what the content script gathered, which already holds no
//! query strings, bodies, cookies or tokens; this adds nothing but layout (in English: it is
//! written for the people who read bug reports).

use super::Diagnostics;

impl Diagnostics {
    pub fn as_text(&self) -> String {
        let d = self;
        let mut lines = vec![
            format!(
                "photolift {}: the iCloud Photos page was not recognised",
                d.extension_version
            ),
            format!("Browser: {}", d.browser),
            format!("Finding: {}", d.finding),
            "Checks of the page:".to_string(),
        ];
        for check in &d.checks {
            let mark = if check.passed { "yes" } else { "NO " };
            lines.push(format!("  {mark}  {}", check.name));
        }
        lines.push("The page's requests (ms after the hand-over, method, host, path, answer, recognised as):".into());
        for r in &d.requests {
            let status = if r.status == 0 {
                "-".to_string()
            } else {
                r.status.to_string()
            };
            let kind = if r.kind.is_empty() { "-" } else { &r.kind };
            lines.push(format!(
                "  {:+.0}  {} {} {}  {}  {}",
                r.at_ms, r.method, r.host, r.path, status, kind
            ));
        }
        lines.join("\n")
    }
}
