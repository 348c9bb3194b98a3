//! Resuming an interrupted upload: the plan rebuilt from the journal at start, the offer that asks
//! for its files again, and its files taken back (from the browser's kept handles or a new drop).

use super::conversions::Conversions;
use super::event::Picked;
use super::handles;
use super::view::{ResumeOffer, View};
use crate::queue::{PlanConfig, UploadPlan};
use crate::web::i18n;
use crate::web::store::{self, JournalMeta, Loaded};

/// The plan to start with: the interrupted upload the journal describes when some of its files
/// still wait for their originals (with the offer to show), else a new plan. A journal that
/// describes nothing to finish is dropped, and so are the handles kept for it.
pub fn restore(
    config: PlanConfig,
    loaded: Loaded,
    journal: &mut Option<JournalMeta>,
) -> (UploadPlan, Option<ResumeOffer>) {
    let mut offer = None;
    let mut plan = None;
    if !loaded.journal.is_empty() {
        match UploadPlan::replay(config.clone(), &loaded.journal) {
            Ok(resume) => {
                let s = resume.summary();
                if s.awaiting_original > 0 {
                    offer = Some(ResumeOffer {
                        waiting: s.awaiting_original,
                        uploaded: s.uploaded,
                        started: journal
                            .as_ref()
                            .map_or_else(String::new, |m| i18n::date_time(m.started_ms)),
                        dropped: Vec::new(),
                    });
                    plan = Some(resume);
                }
            }
            Err(error) => web_sys::console::warn_1(
                &format!("photolift: the journal could not be replayed: {error}").into(),
            ),
        }
        if plan.is_none() {
            if let Some(meta) = journal.take() {
                store::clear_journal(&meta);
            }
        }
    }
    if offer.is_none() {
        // Handles kept for an upload that is over (or was never journaled) are stale.
        handles::forget();
    }
    let mut plan = plan.unwrap_or_else(|| {
        UploadPlan::new(config).expect("the plan config from settings is valid")
    });
    plan.remember_uploads(loaded.uploaded);
    (plan, offer)
}

/// The names the offer shows for kept handles the browser no longer lets us read: a drop of
/// loose files keeps one handle per file, so a few are named and the rest counted.
pub fn dropped_names(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names.dedup();
    if names.len() > 3 {
        let more = names.len() - 3;
        names.truncate(3);
        names.push(format!("+{more}"));
    }
    names
}

/// Files of the interrupted upload, given again (`only_known`: read back from kept handles, where
/// a kept folder may hold photos added since, which the user never dropped — those are left out).
/// Returns the files that are not part of it, to be added as new.
pub fn take_back(
    plan: &mut UploadPlan,
    conversions: &mut Conversions,
    picked: Vec<Picked>,
    only_known: bool,
) -> Vec<Picked> {
    let mut new = Vec::new();
    for Picked { file, path } in picked {
        let size = file.size() as u64;
        let last_modified = file.last_modified() as u64;
        // A file of an interrupted upload, given again: it takes up its old place.
        if let Some(id) = plan.match_resumed_file(&path, size, last_modified) {
            conversions.originals.insert(id, file);
        } else if !only_known {
            new.push(Picked { file, path });
        }
    }
    new
}

/// Keeps the offer's count right; closes it when no file waits any more.
pub fn update_offer(plan: &UploadPlan, offer: &mut Option<ResumeOffer>, view: &View) {
    let waiting = plan.summary().awaiting_original;
    match offer {
        Some(_) if waiting == 0 => {
            *offer = None;
            let _ = view.set_resume_offer(None);
        }
        Some(offer) => offer.waiting = waiting,
        None => {}
    }
}
