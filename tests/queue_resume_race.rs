//! A reload (or browser restart) between the store's writes of one confirmation. The web shell
//! keeps two things in extension storage: the upload memory (one entry per uploaded photo, for
//! duplicate detection) and the journal (for resume). When the page confirms an upload, both get
//! the news. If the tab dies after one write landed and before the other, the resumed plan must
//! still count the photo as uploaded: a photo that arrived ends `uploaded`, never skipped as
//! "already in iCloud Photos via photolift", and the counts equal what the server holds.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use photolift::queue::memory::RememberedUpload;
use photolift::queue::{
    compact_journal, FileState, JournalEntry, PlanConfig, PlanState, UploadPlan,
};

/// 2026-11-20T12:00:00Z
const NOV_20: u64 = 1_795_176_000_000;

fn key_for(n: u32) -> String {
    format!("{:064x}", u64::from(n) * 7_919 + 1)
}

fn name_for(n: u32) -> String {
    format!("IMG_{n:04}.HEIC")
}

fn size_for(n: u32) -> u64 {
    1_000 + u64::from(n)
}

fn config() -> PlanConfig {
    PlanConfig {
        batch_size: 4,
        max_converting: 4,
        ..PlanConfig::default()
    }
}

/// One storage write of the web shell.
#[derive(Debug, Clone)]
enum Write {
    /// `photolift.up.<key>` = date, for each upload.
    Memory(Vec<(String, String)>),
    /// One journal chunk.
    Journal(Vec<JournalEntry>),
}

/// What happened, in order: the shell's storage writes and the server storing photos.
#[derive(Debug, Clone)]
enum Event {
    Write(Write),
    /// The server stored the photo with this key (before the page could confirm it).
    Stored(String),
}

/// Which of the two writes of a confirmation is issued first.
#[derive(Debug, Clone, Copy)]
enum Order {
    MemoryFirst,
    JournalFirst,
}

/// What the store holds (and the server has) when the tab dies.
#[derive(Debug, Default, Clone)]
struct Kept {
    memory: BTreeMap<String, String>,
    journal: Vec<JournalEntry>,
    server: HashMap<String, u32>,
}

/// What one persist of the shell writes, as two separate storage writes.
fn persist(plan: &mut UploadPlan, order: Order, events: &mut Vec<Event>) {
    let entries = plan.take_journal();
    if entries.is_empty() {
        return;
    }
    let memory: Vec<(String, String)> = entries
        .iter()
        .filter_map(JournalEntry::remembered_upload)
        .collect();
    let journal = Event::Write(Write::Journal(entries));
    let memory = (!memory.is_empty()).then_some(Event::Write(Write::Memory(memory)));
    match order {
        Order::MemoryFirst => events.extend(memory.into_iter().chain([journal])),
        Order::JournalFirst => events.extend([journal].into_iter().chain(memory)),
    }
}

/// A first session of `files` photos, uploaded to the end without a fault; returns every event.
fn first_session(files: u32, order: Order) -> Vec<Event> {
    let mut plan = UploadPlan::new(config()).unwrap();
    let mut events = Vec::new();
    let mut now = NOV_20;
    for n in 0..files {
        plan.add_file(name_for(n), size_for(n), u64::from(n));
    }
    persist(&mut plan, order, &mut events);
    while plan.summary().state != PlanState::Done {
        now += 100;
        while let Some(id) = plan.next_to_convert(now) {
            plan.converted(id, &key_for(id.0), now).unwrap();
        }
        persist(&mut plan, order, &mut events);
        let Some(batch) = plan.next_batch(now) else {
            continue;
        };
        // The journal says "handed to the page" before the page has the files.
        persist(&mut plan, order, &mut events);
        for id in batch {
            events.push(Event::Stored(key_for(id.0)));
            now += 10;
            plan.upload_succeeded(id, now).unwrap();
            // Each page message is its own event, persisted at its end.
            persist(&mut plan, order, &mut events);
        }
    }
    events
}

fn kept_after(events: &[Event]) -> Kept {
    let mut kept = Kept::default();
    for event in events {
        match event {
            Event::Write(Write::Memory(entries)) => kept.memory.extend(entries.iter().cloned()),
            Event::Write(Write::Journal(entries)) => kept.journal.extend(entries.iter().cloned()),
            Event::Stored(key) => *kept.server.entry(key.clone()).or_default() += 1,
        }
    }
    kept
}

/// Resumes the way the shell does (replay of the journal as stored, compacted, then the upload
/// memory, loaded in bulk), gives every original back and runs to the end against a server that
/// answers 409 for bytes it has, as iCloud does. Returns the plan and the server.
fn resume_and_finish(files: u32, mut kept: Kept) -> (UploadPlan, HashMap<String, u32>) {
    let journal = compact_journal(&kept.journal);
    let mut plan = UploadPlan::replay(config(), &journal).unwrap().plan;
    plan.remember_uploads(
        kept.memory
            .iter()
            .map(|(key, date)| RememberedUpload::new(key, date).unwrap()),
    );
    for n in 0..files {
        assert!(
            plan.match_resumed_file(&name_for(n), size_for(n), u64::from(n))
                .is_some(),
            "{} is part of the interrupted upload",
            name_for(n)
        );
    }
    let mut now = NOV_20 + 86_400_000;
    let mut rounds = 0;
    while plan.summary().state != PlanState::Done {
        rounds += 1;
        assert!(rounds < 1_000, "the resumed plan never finishes");
        now += 100;
        while let Some(id) = plan.next_to_convert(now) {
            plan.converted(id, &key_for(id.0), now).unwrap();
        }
        let Some(batch) = plan.next_batch(now) else {
            continue;
        };
        for id in batch {
            match kept.server.entry(key_for(id.0)) {
                Entry::Occupied(_) => plan.upload_already_there(id, now).unwrap(),
                Entry::Vacant(slot) => {
                    slot.insert(1);
                    plan.upload_succeeded(id, now).unwrap();
                }
            }
        }
    }
    (plan, kept.server)
}

fn assert_counts_match_the_server(
    files: u32,
    plan: &UploadPlan,
    server: &HashMap<String, u32>,
    what: &str,
) {
    let summary = plan.summary();
    let stray: Vec<String> = plan
        .files()
        .filter(|file| file.state != FileState::Uploaded)
        .map(|file| format!("{} {} ({:?})", file.name, file.state, file.reason))
        .collect();
    assert!(
        stray.is_empty(),
        "{what}: every photo arrived, so every one ends uploaded; not so: {stray:?}"
    );
    assert_eq!(summary.uploaded, files as usize, "{what}");
    assert_eq!(summary.skipped, 0, "{what}");
    assert_eq!(
        summary.uploaded,
        server.len(),
        "{what}: counts equal the server's"
    );
    assert!(
        server.values().all(|&times| times == 1),
        "{what}: none twice"
    );
}

/// The interleaving behind "299 uploaded + 1 skipped": the page confirmed a photo, the shell wrote
/// the upload memory, and the tab died before the journal chunk with `Uploaded` landed. The journal
/// shows the photo handed to the page and never confirmed; the memory holds its key.
#[test]
fn a_confirmation_that_reached_the_memory_but_not_the_journal_counts_as_uploaded() {
    let mut plan = UploadPlan::new(config()).unwrap();
    let first = plan.add_file(name_for(0), size_for(0), 0);
    let second = plan.add_file(name_for(1), size_for(1), 1);
    plan.next_to_convert(NOV_20).unwrap();
    plan.next_to_convert(NOV_20).unwrap();
    plan.converted(first, &key_for(0), NOV_20).unwrap();
    plan.converted(second, &key_for(1), NOV_20).unwrap();
    assert_eq!(plan.next_batch(NOV_20), Some(vec![first, second]));
    let mut journal = plan.take_journal(); // landed: Added, Keyed, HandedToPage
    plan.upload_succeeded(first, NOV_20 + 1_000).unwrap();
    let lost = plan.take_journal(); // the chunk with `Uploaded`: never landed
    let memory: Vec<(String, String)> = lost
        .iter()
        .filter_map(JournalEntry::remembered_upload)
        .collect();
    assert_eq!(memory, vec![(key_for(0), "2026-11-20".to_string())]);
    // The tab dies here. `second` is with the page, unconfirmed, and not on the server.

    let mut plan = UploadPlan::replay(config(), &journal).unwrap().plan;
    assert!(plan.file(first).unwrap().uncertain);
    for (key, date) in &memory {
        plan.remember_uploaded(key, date.as_str()).unwrap();
    }
    // The memory only ever hears of confirmed uploads: `first` was confirmed.
    let file = plan.file(first).unwrap();
    assert_eq!(file.state, FileState::Uploaded);
    assert!(!file.uncertain);
    assert_eq!(file.reason, None);
    assert_eq!(file.content_key, Some(key_for(0)));
    assert_eq!(
        file.uploaded_at_ms,
        Some(1_795_132_800_000),
        "the memory's day"
    );
    assert_eq!(
        plan.summary().awaiting_original,
        1,
        "only `second` is wanted back"
    );
    assert_eq!(
        plan.uploaded_this_session(),
        (0, 0),
        "uploaded in the last session"
    );
    // The journal catches up with the memory, so the next resume needs no memory for it.
    let caught_up = plan.take_journal();
    assert_eq!(
        caught_up,
        vec![JournalEntry::Uploaded {
            id: first,
            key: key_for(0),
            at_ms: 1_795_132_800_000
        }]
    );
    journal.extend(caught_up);
    let again = UploadPlan::replay(config(), &journal).unwrap().plan;
    assert_eq!(again.file(first).unwrap().state, FileState::Uploaded);

    // The user gives both files again: `first` is done, `second` goes again.
    assert_eq!(
        plan.match_resumed_file(&name_for(0), size_for(0), 0),
        Some(first)
    );
    assert_eq!(
        plan.match_resumed_file(&name_for(1), size_for(1), 1),
        Some(second)
    );
    assert_eq!(plan.next_to_convert(NOV_20), Some(second));
    assert_eq!(
        plan.next_to_convert(NOV_20),
        None,
        "`first` is not converted again"
    );
    plan.converted(second, &key_for(1), NOV_20).unwrap();
    assert_eq!(
        plan.next_batch(NOV_20),
        Some(vec![second]),
        "`first` is not sent again"
    );
    plan.upload_succeeded(second, NOV_20 + 2_000).unwrap();
    let summary = plan.summary();
    assert_eq!((summary.uploaded, summary.skipped), (2, 0));
    assert_eq!(summary.state, PlanState::Done);
}

/// The memory may hold a photo's key for another reason than this hand-off; the rule is only for
/// the file whose journaled bytes are the ones the memory names.
#[test]
fn the_memory_settles_only_unconfirmed_hand_offs_of_the_same_bytes() {
    let mut plan = UploadPlan::new(config()).unwrap();
    let handed = plan.add_file(name_for(0), size_for(0), 0);
    let waiting = plan.add_file(name_for(1), size_for(1), 1);
    plan.next_to_convert(NOV_20).unwrap();
    plan.converted(handed, &key_for(0), NOV_20).unwrap();
    plan.next_batch(NOV_20).unwrap();
    plan.next_to_convert(NOV_20).unwrap();
    plan.converted(waiting, &key_for(1), NOV_20).unwrap();
    let journal = plan.take_journal();

    let mut plan = UploadPlan::replay(config(), &journal).unwrap().plan;
    // Another photo's key, and the key of a file that was never handed to the page.
    plan.remember_uploaded(&key_for(9), "2026-11-19").unwrap();
    plan.remember_uploaded(&key_for(1), "2026-11-19").unwrap();
    assert_eq!(plan.file(handed).unwrap().state, FileState::Queued);
    assert!(plan.file(handed).unwrap().uncertain);
    assert_eq!(plan.file(waiting).unwrap().state, FileState::Queued);
    assert!(plan.take_journal().is_empty());

    // `waiting` was never with the page: the memory makes it a duplicate of an earlier upload.
    plan.match_resumed_file(&name_for(1), size_for(1), 1)
        .unwrap();
    assert_eq!(plan.next_to_convert(NOV_20), Some(waiting));
    assert_eq!(
        plan.converted(waiting, &key_for(1), NOV_20),
        Ok(FileState::Skipped)
    );

    // Upper-case hex from another hasher is the same key.
    plan.remember_uploaded(&key_for(0).to_ascii_uppercase(), "2026-11-20")
        .unwrap();
    assert_eq!(plan.file(handed).unwrap().state, FileState::Uploaded);
}

/// Every point at which the tab may die during a drop, with the two writes of each confirmation in
/// either order: the resumed upload ends with every photo uploaded, none skipped, none twice.
#[test]
fn a_reload_between_any_two_storage_writes_ends_with_the_server_count() {
    const FILES: u32 = 10;
    for order in [Order::MemoryFirst, Order::JournalFirst] {
        let events = first_session(FILES, order);
        let mut resumed = 0;
        for cut in 0..=events.len() {
            let kept = kept_after(&events[..cut]);
            if kept.journal.is_empty() {
                // Nothing journaled: nothing was handed to the page, nothing to resume.
                assert!(kept.server.is_empty());
                continue;
            }
            resumed += 1;
            let (plan, server) = resume_and_finish(FILES, kept);
            assert_counts_match_the_server(
                FILES,
                &plan,
                &server,
                &format!("{order:?}, reload after event {cut} of {}", events.len()),
            );
        }
        assert!(
            resumed > 3 * FILES as usize,
            "{order:?}: {resumed} reload points"
        );
    }
}
