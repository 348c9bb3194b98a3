//! Timing marks for the benchmarks (`tests/bench/pipeline.mjs`): `performance.mark("photolift:…")`
//! at the moments a photo passes through the panel and its workers (a job received, its hash, its
//! conversion, its JPEG posted, its thumbnail, a batch handed to the page). The benchmark reads
//! them from each context's performance timeline; nothing in photolift reads them. A context
//! keeps at most `MAX_MARKS` (a few hundred KB), so a drop of 100,000 files does not grow the
//! timeline without bound.

use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const MAX_MARKS: u32 = 20_000;

thread_local! {
    static MARKS: Cell<u32> = const { Cell::new(0) };
}

/// Marks `photolift:{what}:{id}` now, in this context's performance timeline.
pub fn mark(what: &str, id: u32) {
    let count = MARKS.with(|m| {
        let n = m.get();
        m.set(n.saturating_add(1));
        n
    });
    if count >= MAX_MARKS {
        return;
    }
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .filter(|p| !p.is_undefined());
    let Some(performance) = performance else {
        return;
    };
    let mark = js_sys::Reflect::get(&performance, &"mark".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(mark) = mark {
        let name = JsValue::from(format!("photolift:{what}:{id}"));
        let _ = mark.call1(&performance, &name);
    }
}
