//! Word for a user who is elsewhere: what the toolbar badge shows and when a system notification
//! goes out. The panel feeds every rendered state in ([`News::update`]); out come only the
//! changes to show ([`Say`]). Words and colours are the shell's (`web::panel::news`); the
//! background only applies them, and takes a result badge and the panel's notification away when
//! the user comes to the panel's tab (which the background sees: the tab or its window comes to
//! the front).
//!
//! - While a run goes on, the badge shows how far it is (a percentage of the run's files, so it
//!   changes at most a hundred times a run); paused by the user it keeps the number in grey;
//!   waiting for the user (signed out, web access off, an outdated page, storage refused, the page
//!   changed) it shows "!".
//! - After the run: a check when every file arrived, else the number of files that need a look.
//!   It stays until the user comes to the tab or starts again; a cancelled run clears it.
//! - A notification when a run of at least [`FEW`] files finishes, when a run finishes with
//!   failed files, and when a run waits for the user. Once each: the same wait is not told
//!   twice, and it is taken back when it is over.

/// Runs shorter than this finish without a notification (failures are told at any size).
pub const FEW: usize = 5;

/// What the panel knows when it renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub state: super::PanelState,
    pub total: usize,
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Files the user cancelled (`Reason::Cancelled`): a run they ended is no news.
    pub cancelled: usize,
    /// Why the run waits for the user, if it does.
    pub waits_for: Option<Wait>,
}

impl Snapshot {
    fn settled(&self) -> usize {
        self.uploaded + self.skipped + self.failed
    }
}

/// Why a run waits for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    SignedOut,
    NoWebAccess,
    /// The page is older than iCloud's upload service: it needs a reload.
    Outdated,
    /// Extension storage refused a write.
    StorageFailed,
    /// iCloud changed its page in a way this version does not know.
    PageChanged,
}

/// The toolbar badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    None,
    /// `percent` of the run's files are done (0–99); `done` of `of` files.
    Progress {
        percent: u8,
        done: usize,
        of: usize,
    },
    /// Paused by the user.
    Paused {
        percent: u8,
        done: usize,
        of: usize,
    },
    Waits(Wait),
    /// The run is over and every file of it arrived (or was skipped as no photo).
    AllDone {
        uploaded: usize,
    },
    /// The run is over; this many files failed.
    NeedsLook {
        failed: usize,
    },
}

impl Badge {
    /// A result: shown until the user comes to the panel's tab.
    pub fn until_seen(self) -> bool {
        matches!(self, Badge::AllDone { .. } | Badge::NeedsLook { .. })
    }
}

/// A system notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Finished { uploaded: usize, skipped: usize },
    FinishedWithFailures { uploaded: usize, failed: usize },
    Waits { wait: Wait, done: usize, of: usize },
}

/// A change to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Say {
    Badge(Badge),
    Notify(Notice),
    /// The last notification is stale: take it away.
    Withdraw,
}

/// The run the badge and notifications are about.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    /// Files settled before the run began (an earlier run's, or failed files retried now).
    settled_before: usize,
    /// The wait last notified, so that it is told once.
    told: Option<Wait>,
}

#[derive(Debug, Default)]
pub struct News {
    badge: Option<Badge>,
    run: Option<Run>,
    /// A notification is out.
    notified: bool,
}

impl News {
    pub fn new() -> News {
        News::default()
    }

    /// What changes with the panel in this state.
    pub fn update(&mut self, s: &Snapshot) -> Vec<Say> {
        use super::PanelState::*;
        let mut out = Vec::new();
        let in_run = matches!(s.state, Running | Paused)
            || (s.state == PageChanged && s.settled() < s.total);
        let badge = if in_run {
            let fresh = self.run.is_none();
            let mut run = self.run.unwrap_or(Run {
                settled_before: s.settled(),
                told: None,
            });
            if fresh {
                // A new run: the last one's notification is old news.
                self.withdraw(&mut out);
            }
            let of = s.total.saturating_sub(run.settled_before);
            let done = s.settled().saturating_sub(run.settled_before).min(of);
            let percent = (done * 100).checked_div(of).unwrap_or(0).min(99) as u8;
            let badge = match s.waits_for {
                Some(wait) => {
                    if run.told != Some(wait) {
                        run.told = Some(wait);
                        out.push(Say::Notify(Notice::Waits { wait, done, of }));
                        self.notified = true;
                    }
                    Badge::Waits(wait)
                }
                None => {
                    if run.told.take().is_some() {
                        // The wait is over (signed in again, reloaded): its notice is stale.
                        self.withdraw(&mut out);
                    }
                    // Paused with no reason to wait for the user: paused by the user (or the
                    // page is loading for a moment).
                    if s.state == Paused {
                        Badge::Paused { percent, done, of }
                    } else {
                        Badge::Progress { percent, done, of }
                    }
                }
            };
            self.run = Some(run);
            badge
        } else if let Some(run) = self.run.take() {
            // The run ended.
            let of = s.total.saturating_sub(run.settled_before);
            if s.state == Done && s.cancelled == 0 {
                if s.failed > 0 {
                    out.push(Say::Notify(Notice::FinishedWithFailures {
                        uploaded: s.uploaded,
                        failed: s.failed,
                    }));
                    self.notified = true;
                    Badge::NeedsLook { failed: s.failed }
                } else {
                    if of >= FEW {
                        out.push(Say::Notify(Notice::Finished {
                            uploaded: s.uploaded,
                            skipped: s.skipped,
                        }));
                        self.notified = true;
                    } else {
                        self.withdraw(&mut out);
                    }
                    Badge::AllDone {
                        uploaded: s.uploaded,
                    }
                }
            } else {
                self.withdraw(&mut out);
                Badge::None
            }
        } else {
            // No run: the last result stays (until the user has seen it, which the background
            // tells by itself); a panel that never ran clears what an earlier one left.
            self.badge.unwrap_or(Badge::None)
        };
        self.set_badge(badge, &mut out);
        out
    }

    fn withdraw(&mut self, out: &mut Vec<Say>) {
        if std::mem::take(&mut self.notified) {
            out.push(Say::Withdraw);
        }
    }

    /// Sends the badge when what it shows changed: the counts in its tooltip follow the
    /// percentage, so a run of thousands sends a hundred badges, not thousands.
    fn set_badge(&mut self, badge: Badge, out: &mut Vec<Say>) {
        let same = match (self.badge, badge) {
            (Some(Badge::Progress { percent: a, .. }), Badge::Progress { percent: b, .. })
            | (Some(Badge::Paused { percent: a, .. }), Badge::Paused { percent: b, .. }) => a == b,
            (shown, badge) => shown == Some(badge),
        };
        if !same {
            self.badge = Some(badge);
            out.push(Say::Badge(badge));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::PanelState;
    use super::*;

    fn snap(state: PanelState, total: usize, uploaded: usize, failed: usize) -> Snapshot {
        Snapshot {
            state,
            total,
            uploaded,
            skipped: 0,
            failed,
            cancelled: 0,
            waits_for: None,
        }
    }

    fn badges(says: &[Say]) -> Vec<Badge> {
        says.iter()
            .filter_map(|say| match say {
                Say::Badge(badge) => Some(*badge),
                _ => None,
            })
            .collect()
    }

    fn notices(says: &[Say]) -> Vec<Notice> {
        says.iter()
            .filter_map(|say| match say {
                Say::Notify(notice) => Some(*notice),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_idle_panel_clears_the_badge_once_and_then_says_nothing() {
        let mut news = News::new();
        let idle = snap(PanelState::Idle, 0, 0, 0);
        assert_eq!(news.update(&idle), vec![Say::Badge(Badge::None)]);
        assert_eq!(news.update(&idle), vec![]);
    }

    #[test]
    fn progress_is_a_percentage_sent_only_when_it_changes() {
        let mut news = News::new();
        let mut sent = Vec::new();
        for uploaded in 0..=1000 {
            sent.extend(badges(&news.update(&snap(
                PanelState::Running,
                1000,
                uploaded.min(999),
                0,
            ))));
        }
        assert_eq!(sent.len(), 100, "one badge per percent, not per file");
        assert_eq!(
            sent[0],
            Badge::Progress {
                percent: 0,
                done: 0,
                of: 1000
            }
        );
        assert!(matches!(sent[99], Badge::Progress { percent: 99, .. }));
    }

    #[test]
    fn a_big_run_ends_with_a_check_until_seen_and_a_notification() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, 20, 0, 0));
        let end = news.update(&snap(PanelState::Done, 20, 20, 0));
        assert_eq!(badges(&end), vec![Badge::AllDone { uploaded: 20 }]);
        assert_eq!(
            notices(&end),
            vec![Notice::Finished {
                uploaded: 20,
                skipped: 0
            }]
        );
        assert!(badges(&end)[0].until_seen());
        // Scrolling the done panel changes nothing.
        assert_eq!(news.update(&snap(PanelState::Done, 20, 20, 0)), vec![]);
    }

    #[test]
    fn a_few_photos_get_the_badge_but_no_notification_unless_one_failed() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, FEW - 1, 0, 0));
        let end = news.update(&snap(PanelState::Done, FEW - 1, FEW - 1, 0));
        assert_eq!(notices(&end), vec![]);
        assert_eq!(badges(&end), vec![Badge::AllDone { uploaded: FEW - 1 }]);

        news.update(&snap(PanelState::Running, FEW + 1, FEW - 1, 0));
        let end = news.update(&snap(PanelState::Done, FEW + 1, FEW, 1));
        assert_eq!(badges(&end), vec![Badge::NeedsLook { failed: 1 }]);
        assert_eq!(
            notices(&end),
            vec![Notice::FinishedWithFailures {
                uploaded: FEW,
                failed: 1
            }]
        );
    }

    #[test]
    fn a_second_run_counts_its_own_files_and_takes_the_old_result_away() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, 10, 0, 0));
        news.update(&snap(PanelState::Done, 10, 10, 0));
        let again = news.update(&snap(PanelState::Running, 14, 10, 0));
        assert_eq!(again[0], Say::Withdraw);
        assert_eq!(
            badges(&again),
            vec![Badge::Progress {
                percent: 0,
                done: 0,
                of: 4
            }]
        );
        let end = news.update(&snap(PanelState::Done, 14, 14, 0));
        assert_eq!(notices(&end), vec![], "four photos are a few");
    }

    #[test]
    fn a_wait_for_the_user_is_told_once_and_taken_back_when_it_is_over() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, 100, 10, 0));
        let signed_out = Snapshot {
            waits_for: Some(Wait::SignedOut),
            ..snap(PanelState::Paused, 100, 40, 0)
        };
        let out = news.update(&signed_out);
        assert_eq!(badges(&out), vec![Badge::Waits(Wait::SignedOut)]);
        assert_eq!(
            notices(&out),
            vec![Notice::Waits {
                wait: Wait::SignedOut,
                done: 30,
                of: 90
            }]
        );
        assert_eq!(news.update(&signed_out), vec![], "told once");
        let back = news.update(&snap(PanelState::Running, 100, 40, 0));
        assert_eq!(back[0], Say::Withdraw);
        assert!(matches!(
            badges(&back)[..],
            [Badge::Progress { percent: 33, .. }]
        ));
    }

    #[test]
    fn a_run_the_user_cancelled_leaves_no_badge_and_no_notification() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, 50, 5, 0));
        let cancelled = Snapshot {
            skipped: 45,
            cancelled: 45,
            ..snap(PanelState::Done, 50, 5, 0)
        };
        let out = news.update(&cancelled);
        assert_eq!(notices(&out), vec![]);
        assert_eq!(badges(&out), vec![Badge::None]);
    }

    #[test]
    fn paused_by_the_user_keeps_the_number() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, 10, 0, 0));
        let out = news.update(&snap(PanelState::Paused, 10, 5, 0));
        assert_eq!(
            badges(&out),
            vec![Badge::Paused {
                percent: 50,
                done: 5,
                of: 10
            }]
        );
        assert_eq!(notices(&out), vec![]);
    }

    #[test]
    fn a_changed_page_with_photos_waiting_needs_the_user() {
        let mut news = News::new();
        news.update(&snap(PanelState::Running, 10, 0, 0));
        let changed = Snapshot {
            waits_for: Some(Wait::PageChanged),
            ..snap(PanelState::PageChanged, 10, 2, 0)
        };
        let out = news.update(&changed);
        assert_eq!(badges(&out), vec![Badge::Waits(Wait::PageChanged)]);
        assert_eq!(notices(&out).len(), 1);
    }
}
