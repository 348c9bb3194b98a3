//! The conversion worker pool of the panel: one module worker per slot, sized to the machine. A
//! worker that crashes (panic, out of memory) is terminated and replaced; only its one job fails.

use super::messages::to_js;
use crate::protocol::ToWorker;
use js_sys::{Array, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker, WorkerOptions, WorkerType};

/// What a worker said, tagged with the slot and the generation of the worker that said it, so
/// that late words of a replaced worker are ignored.
pub enum WorkerSignal {
    Message {
        slot: usize,
        generation: u32,
        data: JsValue,
    },
    Error {
        slot: usize,
        generation: u32,
        reason: String,
    },
}

struct Slot {
    worker: Worker,
    generation: u32,
    ready: bool,
    job: Option<u32>,
    // Kept alive as long as the worker is.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

pub struct Pool {
    url: String,
    /// The workers' compiled module (a promise of it), posted to each worker as it starts.
    module: Option<js_sys::Promise>,
    slots: Vec<Slot>,
    signal: Rc<dyn Fn(WorkerSignal)>,
}

impl Pool {
    pub fn new(
        url: String,
        module: Option<js_sys::Promise>,
        size: usize,
        signal: Rc<dyn Fn(WorkerSignal)>,
    ) -> Result<Pool, JsValue> {
        let mut pool = Pool {
            url,
            module,
            slots: Vec::new(),
            signal,
        };
        for slot in 0..size.max(1) {
            let spawned = pool.spawn(slot, 0)?;
            pool.slots.push(spawned);
        }
        Ok(pool)
    }

    /// Workers for this machine: leave a core for the page and the panel, at most four (each holds
    /// up to a few hundred MB while converting a large photo).
    pub fn size_for_machine() -> usize {
        let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency());
        ((cores as usize).saturating_sub(1)).clamp(1, 4)
    }

    fn spawn(&self, slot: usize, generation: u32) -> Result<Slot, JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&self.url, &options)?;
        let signal = self.signal.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            signal(WorkerSignal::Message {
                slot,
                generation,
                data: event.data(),
            });
        });
        let signal = self.signal.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            signal(WorkerSignal::Error {
                slot,
                generation,
                reason: event.message(),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The first message: the compiled module once it is there (without it, when compiling
        // failed, the worker compiles its own).
        let (starting, module) = (worker.clone(), self.module.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let compiled = match module {
                Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.ok(),
                None => None,
            };
            let start = to_js(&ToWorker::Start).and_then(|value| {
                if let Some(compiled) = &compiled {
                    Reflect::set(&value, &"module".into(), compiled)?;
                }
                starting.post_message(&value)
            });
            if let Err(error) = start {
                web_sys::console::error_2(&"photolift: starting a worker failed".into(), &error);
            }
        });
        Ok(Slot {
            worker,
            generation,
            ready: false,
            job: None,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    pub fn is_current(&self, slot: usize, generation: u32) -> bool {
        self.slots
            .get(slot)
            .is_some_and(|s| s.generation == generation)
    }

    pub fn mark_ready(&mut self, slot: usize) {
        if let Some(s) = self.slots.get_mut(slot) {
            s.ready = true;
        }
    }

    /// The job a slot was working on, now finished.
    pub fn finish(&mut self, slot: usize) -> Option<u32> {
        self.slots.get_mut(slot).and_then(|s| s.job.take())
    }

    pub fn has_idle(&self) -> bool {
        self.slots.iter().any(|s| s.ready && s.job.is_none())
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Sends a job to an idle worker; false when none is idle.
    pub fn submit(&mut self, job: u32, file: &File, message: &ToWorker) -> Result<bool, JsValue> {
        let Some(slot) = self.slots.iter_mut().find(|s| s.ready && s.job.is_none()) else {
            return Ok(false);
        };
        let value = to_js(message)?;
        Reflect::set(&value, &"file".into(), file)?;
        slot.worker
            .post_message_with_transfer(&value, &Array::new())?;
        slot.job = Some(job);
        Ok(true)
    }

    /// Replaces a crashed worker; returns the job it was on, which has failed.
    pub fn replace(&mut self, slot: usize) -> Result<Option<u32>, JsValue> {
        let Some(old) = self.slots.get_mut(slot) else {
            return Ok(None);
        };
        old.worker.terminate();
        let job = old.job.take();
        let generation = old.generation.wrapping_add(1);
        let fresh = self.spawn(slot, generation)?;
        self.slots[slot] = fresh;
        Ok(job)
    }
}
