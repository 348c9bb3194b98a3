//! Every button of the panel, by the `data-action` it carries.

/// A button the user can press (or the duplicates checkbox they can tick).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Action {
    PickFiles,
    PickFolder,
    Pause,
    Resume,
    Cancel,
    RetryFailed,
    ExportCsv,
    ExportJson,
    UploadDuplicates,
    ClearMemory,
    CopyDiagnostics,
    /// The resume offer's buttons: choose the interrupted upload's photos or folder again, or
    /// give up on its remaining files.
    ResumePick,
    ResumePickFolder,
    ResumeDiscard,
    /// Cancel asks first: these answer its question (cancel the upload, or keep it going).
    CancelConfirm,
    CancelKeep,
}

impl Action {
    /// The `data-action` attribute of its element.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::PickFiles => "pick-files",
            Action::PickFolder => "pick-folder",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Cancel => "cancel",
            Action::RetryFailed => "retry-failed",
            Action::ExportCsv => "export-csv",
            Action::ExportJson => "export-json",
            Action::UploadDuplicates => "upload-duplicates",
            Action::ClearMemory => "clear-memory",
            Action::CopyDiagnostics => "copy-diagnostics",
            Action::ResumePick => "resume-pick",
            Action::ResumePickFolder => "resume-pick-folder",
            Action::ResumeDiscard => "resume-discard",
            Action::CancelConfirm => "cancel-confirm",
            Action::CancelKeep => "cancel-keep",
        }
    }

    /// The action of a `data-action` attribute; `None` for one the panel does not have.
    pub fn parse(attribute: &str) -> Option<Action> {
        use strum::IntoEnumIterator;
        Action::iter().find(|action| action.as_str() == attribute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_action_reads_back_from_its_attribute() {
        for action in Action::iter() {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("format-disk"), None);
    }
}
