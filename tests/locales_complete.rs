//! Every language the extension ships says everything English says: each
//! `extension/_locales/*/messages.json` has every key of `en`, the same placeholders
//! (names and contents, so `$1` means the same value everywhere), uses in each message the same
//! `$NAME$` placeholders and `$1`-style substitutions as English, and keeps the store's limits.
//! A key another part of the code adds to `en` fails here until every language has it. A
//! translation may land before its English key (parts are merged in any order): the browser
//! ignores a key `en` lacks, so that is not a failure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// The languages photolift promises (README, "Languages").
const SHIPPED: [&str; 13] = [
    "en", "zh_CN", "zh_TW", "ja", "ko", "de", "fr", "es", "it", "pt_BR", "nl", "sv", "ru",
];

/// Messages that are the same in every language: the product's name. (A message of symbols
/// only, such as a badge's "✓", may be too.)
const SAME_EVERYWHERE: [&str; 1] = ["panel_title"];

/// A message that is, in that language, the same word as in English.
const SAME_AS_ENGLISH: [(&str, &str); 2] =
    [("fr", "panel_pause"), ("fr", "options_section_conversion")];

#[derive(Debug, Deserialize)]
struct Entry {
    message: String,
    #[serde(default)]
    placeholders: BTreeMap<String, Placeholder>,
}

#[derive(Debug, Deserialize)]
struct Placeholder {
    content: String,
}

type Messages = BTreeMap<String, Entry>;

fn locales_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extension/_locales")
}

fn read(locale: &str) -> Messages {
    let path = locales_dir().join(locale).join("messages.json");
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{locale}/messages.json: {e}"))
}

fn shipped() -> Vec<String> {
    let mut all: Vec<String> = std::fs::read_dir(locales_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    all.sort();
    all
}

/// The `$NAME$` placeholders a message uses (case-insensitive, as the browser reads them).
fn named(message: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = message;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        match after.find('$') {
            Some(end)
                if end > 0
                    && after[..end]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !after[..end].chars().all(|c| c.is_ascii_digit()) =>
            {
                names.insert(after[..end].to_ascii_lowercase());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// The `$1`…`$9` substitutions a message uses directly (outside placeholders).
fn positional(message: &str) -> BTreeSet<char> {
    let chars: Vec<char> = message.chars().collect();
    chars
        .windows(2)
        .filter(|w| w[0] == '$' && w[1].is_ascii_digit() && w[1] != '0')
        .map(|w| w[1])
        .collect()
}

/// True when a message has words to translate (letters outside its placeholders), not only
/// symbols and numbers such as a badge's "$COUNT$+".
fn has_words(message: &str) -> bool {
    let mut rest = message.to_string();
    for name in named(message) {
        let upper = format!("${}$", name.to_ascii_uppercase());
        let lower = format!("${name}$");
        rest = rest.replace(&upper, "").replace(&lower, "");
    }
    rest.chars().any(char::is_alphabetic)
}

fn placeholders(entry: &Entry) -> BTreeMap<String, String> {
    entry
        .placeholders
        .iter()
        .map(|(name, p)| (name.to_ascii_lowercase(), p.content.clone()))
        .collect()
}

#[test]
fn the_promised_languages_ship() {
    let shipped = shipped();
    for locale in SHIPPED {
        assert!(
            shipped.iter().any(|s| s == locale),
            "{locale} is not in extension/_locales"
        );
    }
}

#[test]
fn every_language_has_every_key_of_english_with_the_same_placeholders() {
    let en = read("en");
    let mut problems = Vec::new();
    for locale in shipped().iter().filter(|l| *l != "en") {
        let messages = read(locale);
        for (key, english) in &en {
            let Some(entry) = messages.get(key) else {
                problems.push(format!("{locale}: no {key}"));
                continue;
            };
            if entry.message.trim().is_empty() {
                problems.push(format!("{locale}: {key} is blank"));
            }
            if placeholders(entry) != placeholders(english) {
                problems.push(format!(
                    "{locale}: {key}: placeholders {:?}, English has {:?}",
                    placeholders(entry),
                    placeholders(english)
                ));
            }
            if named(&entry.message) != named(&english.message) {
                problems.push(format!(
                    "{locale}: {key} uses {:?}, English uses {:?}",
                    named(&entry.message),
                    named(&english.message)
                ));
            }
            if positional(&entry.message) != positional(&english.message) {
                problems.push(format!(
                    "{locale}: {key} substitutes {:?}, English {:?}",
                    positional(&entry.message),
                    positional(&english.message)
                ));
            }
            let allowed_same = SAME_EVERYWHERE.contains(&key.as_str())
                || SAME_AS_ENGLISH.contains(&(locale.as_str(), key.as_str()))
                || !has_words(&english.message);
            if entry.message == english.message && !allowed_same {
                problems.push(format!("{locale}: {key} is still English"));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn store_texts_fit_the_store_in_every_language() {
    for locale in shipped() {
        let messages = read(&locale);
        let description = &messages["extension_description"].message;
        assert!(
            description.chars().count() <= 132,
            "{locale}: extension_description is {} characters (the Chrome Web Store takes 132)",
            description.chars().count()
        );
        let name = &messages["extension_name"].message;
        assert!(
            name.chars().count() <= 75,
            "{locale}: extension_name is {} characters (at most 75)",
            name.chars().count()
        );
    }
}

#[test]
fn placeholder_reading_finds_names_and_substitutions() {
    assert_eq!(
        named("$A$ of $b_2$ · $$5 $1"),
        BTreeSet::from(["a".to_string(), "b_2".to_string()])
    );
    assert_eq!(positional("$1 and $2, $$"), BTreeSet::from(['1', '2']));
    assert!(!has_words("$COUNT$+"));
    assert!(has_words("$COUNT$ photos"));
}
