//! Writes the catalog of every message between the extension's contexts to
//! `target/protocol-catalog.json`, where the node test `tests/e2e/protocol.test.mjs` checks
//! `extension/protocol.js` and the JavaScript handlers against it.

use photolift::protocol::catalog;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn types_of(direction: &Value) -> Vec<String> {
    direction["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            m["type"]
                .as_str()
                .expect("every message has a type")
                .to_string()
        })
        .collect()
}

#[test]
fn every_message_has_its_envelope_and_a_unique_kebab_case_type() {
    let catalog = catalog();
    for direction in catalog["directions"].as_array().expect("directions") {
        let boundary = direction["boundary"].as_str().expect("boundary");
        let types = types_of(direction);
        assert!(!types.is_empty(), "{boundary}: no messages");
        let unique: BTreeSet<&String> = types.iter().collect();
        assert_eq!(unique.len(), types.len(), "{boundary}: a type twice");
        for t in &types {
            assert!(
                t.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{boundary}: type {t} is not kebab-case"
            );
        }
        for message in direction["messages"].as_array().expect("messages") {
            assert_eq!(message["photolift"], boundary, "{message}: envelope");
        }
    }
}

#[test]
fn the_catalog_is_written_for_the_javascript_drift_test() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/protocol-catalog.json");
    std::fs::create_dir_all(path.parent().expect("target dir")).expect("target dir");
    let text = serde_json::to_string_pretty(&catalog()).expect("catalog serialises");
    std::fs::write(&path, text + "\n").expect("catalog written");
}
