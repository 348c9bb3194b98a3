//! Any bytes must give a conversion or a typed error: never a panic, a hang or an abort.
//! Run: `cargo +nightly fuzz run convert -- -max_total_time=60` (seed it with
//! `../shared/corpus/heic` and `../shared/corpus/malformed`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use photolift::convert::{convert, ConvertOptions};

fuzz_target!(|data: &[u8]| {
    let options = ConvertOptions {
        // Small budget: the fuzzer explores parsing, not memory exhaustion.
        max_pixels: 4_000_000,
        last_modified_ms: Some(1_600_000_000_000),
        row_thumbnail: true,
        ..ConvertOptions::default()
    };
    let _ = convert(data, &options);
});
