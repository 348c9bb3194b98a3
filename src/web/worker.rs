//! A conversion worker: reads one `File`, converts it with the pure `convert` core, and posts the
//! JPEG back (transferred, not copied). A JPEG or video is not read whole: it is only hashed, in
//! chunks, and the panel hands the original `File` to the page. A panic posts `Crashed` first, so the panel can replace
//! this worker and mark only that one file failed.
//!
//! TIFF, WebP, GIF and BMP are decoded by the codecs module (`src/web/codecs.rs`), which this
//! worker loads the first time such a file arrives; the rest of their conversion (metadata, JPEG)
//! is done here, as for every other photo.

use super::messages::{from_js, to_js};
use super::trace;
use crate::convert::{self, Conversion, ConvertError, ConvertOptions, Format, RareImage};
use crate::protocol::{FromCodecs, FromWorker, RareFormat, ToCodecs, ToWorker};
use crate::queue::{memory, Reason, MAX_CONVERT_INPUT_BYTES, READ_CHUNK_BYTES};
use js_sys::{Array, ArrayBuffer, Function, Promise, Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, DedicatedWorkerGlobalScope, File, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker, transfer: Option<&ArrayBuffer>) {
    let Ok(value) = to_js(message) else { return };
    let result = match transfer {
        Some(buffer) => {
            let _ = Reflect::set(&value, &"bytes".into(), buffer);
            scope().post_message_with_transfer(&value, &Array::of1(buffer))
        }
        None => scope().post_message(&value),
    };
    if let Err(error) = result {
        web_sys::console::error_2(&"photolift worker: post failed".into(), &error);
    }
}

thread_local! {
    /// `extension/worker.js`'s loader of the codecs module: a promise of its `decode_rare`.
    static LOAD_CODECS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

pub fn start(load_codecs: Function) -> Result<(), JsValue> {
    LOAD_CODECS.with(|load| *load.borrow_mut() = Some(load_codecs));
    std::panic::set_hook(Box::new(|info| {
        post(
            &FromWorker::Crashed {
                reason: info.to_string(),
            },
            None,
        );
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        let file: Option<File> = Reflect::get(&data, &"file".into())
            .ok()
            .and_then(|f| f.dyn_into().ok());
        match (from_js::<ToWorker>(data), file) {
            (
                Ok(ToWorker::Convert {
                    job,
                    quality,
                    date_rescue,
                    hdr_gain_map,
                    source_url,
                }),
                Some(file),
            ) => {
                let options = ConvertOptions {
                    quality,
                    date_rescue,
                    hdr_gain_map,
                    last_modified_ms: Some(file.last_modified() as i64),
                    source_url,
                    row_thumbnail: true,
                    ..ConvertOptions::default()
                };
                spawn_local(convert_file(job, file, options));
            }
            // worker.js takes the first message (the compiled module) before this runs.
            (Ok(ToWorker::Start), _) => {}
            (Ok(ToWorker::Convert { job, .. }), None) => post(
                &FromWorker::Failed {
                    job,
                    reason: Reason::NoFileGiven,
                },
                None,
            ),
            (Err(error), _) => {
                web_sys::console::error_2(&"photolift worker: bad message".into(), &error)
            }
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    trace::mark("ready", 0);
    post(&FromWorker::Ready, None);
    Ok(())
}

/// Files read whole up to this size are hashed by the browser's `crypto.subtle.digest`.
const NATIVE_HASH_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The leading bytes that say what a file is (`convert::sniff_format` looks at a few dozen).
const HEAD_BYTES: u64 = 64 * 1024;

fn unreadable(job: u32) {
    post(
        &FromWorker::Failed {
            job,
            reason: Reason::Unreadable,
        },
        None,
    );
}

fn failed(job: u32, error: convert::ConvertError) {
    post(
        &FromWorker::Failed {
            job,
            reason: Reason::Conversion { error },
        },
        None,
    );
}

/// Bytes `start..end` of `blob`, read by the browser (a slice of a `File` is not read before this).
async fn read(blob: &Blob, start: u64, end: u64) -> Result<ArrayBuffer, JsValue> {
    let part = blob.slice_with_f64_and_f64(start as f64, end as f64)?;
    Ok(JsFuture::from(part.array_buffer()).await?.unchecked_into())
}

/// Hex SHA-256 of a whole file, read as a stream into one reused buffer of `READ_CHUNK_BYTES`
/// fed to an incremental hash: never more than that chunk in memory, whatever the file's size,
/// and no garbage per chunk (a 3 GB video read as 8 MB `ArrayBuffer`s left hundreds of MB for
/// the garbage collector: measured). Where the browser's file stream takes no buffer of ours, the
/// file is read in slices of the same size.
async fn streamed_sha256(file: &File) -> Result<String, JsValue> {
    let mut hasher = Sha256::new();
    let mut chunk = Vec::new();
    if let Some(reader) = byob_reader(file) {
        let read: js_sys::Function = Reflect::get(&reader, &"read".into())?.dyn_into()?;
        let mut buffer = ArrayBuffer::new(READ_CHUNK_BYTES as u32);
        loop {
            let view = Uint8Array::new(&buffer);
            let promise: js_sys::Promise = read.call1(&reader, &view)?.dyn_into()?;
            let result = JsFuture::from(promise).await?;
            if Reflect::get(&result, &"done".into())?.is_truthy() {
                break;
            }
            let value: Uint8Array = Reflect::get(&result, &"value".into())?.dyn_into()?;
            // The buffer comes back (it was transferred to the stream and back) with the bytes.
            buffer = value.buffer();
            chunk.resize(value.length() as usize, 0);
            value.copy_to(&mut chunk);
            hasher.update(&chunk);
        }
        return Ok(hex(&hasher.finalize()));
    }
    let size = file.size() as u64;
    let mut at = 0;
    while at < size {
        let end = (at + READ_CHUNK_BYTES).min(size);
        let buffer = read(file, at, end).await?;
        let view = Uint8Array::new(&buffer);
        chunk.resize(view.length() as usize, 0);
        view.copy_to(&mut chunk);
        hasher.update(&chunk);
        at = end;
    }
    Ok(hex(&hasher.finalize()))
}

/// A reader of `file`'s bytes into buffers of ours (`stream().getReader({mode: 'byob'})`).
fn byob_reader(file: &File) -> Option<JsValue> {
    let stream: js_sys::Function = Reflect::get(file, &"stream".into()).ok()?.dyn_into().ok()?;
    let stream = stream.call0(file).ok()?;
    let get_reader: js_sys::Function = Reflect::get(&stream, &"getReader".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = js_sys::Object::new();
    Reflect::set(&options, &"mode".into(), &"byob".into()).ok()?;
    get_reader.call1(&stream, &options).ok()
}

/// SHA-256 of bytes already in memory, by the browser's own implementation (measured about twice
/// as fast as the WASM one: see README, Benchmarks). The digest starts at once, on a thread of
/// the browser's (it takes a copy of the bytes now); the future gives the digest's `ArrayBuffer`,
/// awaited when the conversion is done.
fn native_sha256(bytes: &ArrayBuffer) -> Result<JsFuture, JsValue> {
    let crypto = Reflect::get(&scope(), &"crypto".into())?;
    let subtle = Reflect::get(&crypto, &"subtle".into())?;
    let digest: js_sys::Function = Reflect::get(&subtle, &"digest".into())?.dyn_into()?;
    let promise: js_sys::Promise = digest
        .call2(&subtle, &"SHA-256".into(), bytes)?
        .dyn_into()?;
    Ok(JsFuture::from(promise))
}

/// A file that goes up as it is (a JPEG, a video): the panel hands the page its original `File`.
/// A row thumbnail's JPEG as a `data:` URL, which the panel's row shows as it is and which
/// outlives any blob.
fn jpeg_data_url(jpeg: &[u8]) -> String {
    format!("data:image/jpeg;base64,{}", memory::encode_base64(jpeg))
}

fn post_unchanged(job: u32, name: String, format: Format, content_key: String) {
    let message = FromWorker::Converted {
        job,
        name,
        media_type: format.media_type().to_string(),
        source_format: format.name().to_string(),
        unchanged: true,
        width: 0,
        height: 0,
        content_key,
        kept_exif: true,
        kept_icc: true,
        date_rescued: false,
        thumbnail: None,
    };
    post(&message, None);
}
/// One file: a JPEG or video goes up as the original `File` (the panel keeps it; only its hash
/// is made here, chunk by chunk); any other photo is read whole (up to
/// `MAX_CONVERT_INPUT_BYTES`), hashed and converted, and its JPEG transferred back.
async fn convert_file(job: u32, file: File, options: ConvertOptions) {
    trace::mark("job", job);
    let size = file.size() as u64;
    let Ok(head) = read(&file, 0, size.min(HEAD_BYTES)).await else {
        return unreadable(job);
    };
    let head = Uint8Array::new(&head).to_vec();
    let format = convert::sniff_format(&head);
    if matches!(format, Format::Jpeg | Format::Video(_)) {
        let Ok(content_key) = streamed_sha256(&file).await else {
            return unreadable(job);
        };
        return post_unchanged(job, file.name(), format, content_key);
    }
    if size > MAX_CONVERT_INPUT_BYTES {
        // What is not a photo photolift converts, or declares too many pixels, says so from its
        // first bytes alone.
        if let Err(error) = convert::convert(&head, &options) {
            let from_head = matches!(format, Format::Unknown | Format::Avif)
                || matches!(error, convert::ConvertError::TooLarge { .. });
            if from_head {
                return failed(job, error.knowing_name(&file.name()));
            }
        }
        let message = FromWorker::Failed {
            job,
            reason: Reason::TooBigToConvert {
                megabytes: size.div_ceil(1 << 20),
                limit_megabytes: MAX_CONVERT_INPUT_BYTES >> 20,
            },
        };
        return post(&message, None);
    }
    let Ok(original) = read(&file, 0, size).await else {
        return unreadable(job);
    };
    trace::mark("read", job);
    // The browser's SHA-256 is about twice as fast as ours but hashes a copy of the bytes: used
    // up to NATIVE_HASH_MAX_BYTES (every ordinary photo); a bigger file is hashed where it is.
    // The browser hashes on a thread of its own while this one converts: the conversion does not
    // wait for the hash (the digest takes its copy of the bytes when it is called).
    let native_key = match (size <= NATIVE_HASH_MAX_BYTES).then(|| native_sha256(&original)) {
        Some(Err(_)) => return unreadable(job),
        started => started.and_then(Result::ok),
    };
    let bytes = Uint8Array::new(&original).to_vec();
    drop(original);
    trace::mark("convert", job);
    let codecs = if format.is_rare() {
        match codecs().await {
            Ok(decode) => Some(decode),
            Err(error) => {
                return crashed(format!(
                    "the codecs module did not load: {}",
                    describe(&error)
                ))
            }
        }
    } else {
        None
    };
    // A panic in the codecs module, which is then no longer trustworthy: this worker reports
    // itself crashed, as it would if the decoder had panicked here, and the panel replaces it.
    let mut crash = None;
    let result = convert::convert_with(&bytes, &options, |format, bytes, max_pixels| {
        let Some(decode) = &codecs else {
            return Err(ConvertError::Unsupported {
                format: format.name().into(),
            });
        };
        decode_in_codecs_module(decode, format, bytes, max_pixels).unwrap_or_else(|reason| {
            crash = Some(reason);
            Err(ConvertError::Unsupported {
                format: format.name().into(),
            })
        })
    });
    if let Some(reason) = crash {
        return crashed(reason);
    }
    let converted = match result {
        Ok(converted) => converted,
        Err(error) => return failed(job, error.knowing_name(&file.name())),
    };
    trace::mark("converted", job);
    let content_key = match native_key {
        Some(digest) => match digest.await {
            Ok(hash) => hex(&Uint8Array::new(&hash).to_vec()),
            Err(_) => return unreadable(job),
        },
        None => hex(&Sha256::digest(&bytes)),
    };
    trace::mark("hashed", job);
    match converted {
        Conversion::Unchanged { format } => {
            // Not reached (JPEGs and videos were sniffed above), but an unchanged file is still
            // handed over as its original.
            post_unchanged(job, file.name(), format, content_key);
        }
        Conversion::Converted(jpeg) => {
            drop(bytes);
            let output = Uint8Array::from(jpeg.bytes.as_slice()).buffer();
            let message = FromWorker::Converted {
                job,
                name: convert::jpeg_file_name(&file.name()),
                media_type: "image/jpeg".into(),
                source_format: jpeg.source.name().to_string(),
                unchanged: false,
                width: jpeg.width,
                height: jpeg.height,
                content_key,
                kept_exif: jpeg.kept.exif,
                kept_icc: jpeg.kept.icc,
                date_rescued: jpeg.kept.date_rescued,
                thumbnail: jpeg.thumbnail.as_deref().map(jpeg_data_url),
            };
            post(&message, Some(&output));
            trace::mark("posted", job);
        }
    }
}

fn crashed(reason: String) {
    post(&FromWorker::Crashed { reason }, None);
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.to_string()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The codecs module's `decode_rare`, loaded on first use (`extension/worker.js` keeps it).
async fn codecs() -> Result<Function, JsValue> {
    let load = LOAD_CODECS
        .with(|load| load.borrow().clone())
        .ok_or_else(|| JsValue::from("no codecs loader"))?;
    let promise: Promise = load.call0(&JsValue::NULL)?.dyn_into()?;
    JsFuture::from(promise).await?.dyn_into()
}

/// Decodes a TIFF, WebP, GIF or BMP in the codecs module (protocol boundary `codecs`). `Err`:
/// the module crashed, with what it said.
fn decode_in_codecs_module(
    decode: &Function,
    format: Format,
    bytes: &[u8],
    max_pixels: u64,
) -> Result<Result<RareImage, ConvertError>, String> {
    let Some(rare) = RareFormat::of(format) else {
        return Ok(Err(ConvertError::Unsupported {
            format: format.name().into(),
        }));
    };
    let message = to_js(&ToCodecs::Decode {
        format: rare,
        max_pixels,
    })
    .map_err(|e| describe(&e))?;
    Reflect::set(&message, &"bytes".into(), &Uint8Array::from(bytes)).map_err(|e| describe(&e))?;
    let reply = match decode.call1(&JsValue::NULL, &message) {
        Ok(reply) => reply,
        Err(error) => {
            let panic = Reflect::get(&message, &"panic".into())
                .ok()
                .and_then(|p| p.as_string());
            return Err(panic.unwrap_or_else(|| describe(&error)));
        }
    };
    let part = |name: &str| {
        Reflect::get(&reply, &name.into())
            .ok()
            .and_then(|value| value.dyn_into::<Uint8Array>().ok())
            .map(|array| array.to_vec())
    };
    match from_js::<FromCodecs>(reply.clone()).map_err(|e| describe(&e))? {
        FromCodecs::Decoded {
            width,
            height,
            exif_is_tiff_file,
        } => Ok(Ok(RareImage {
            rgb: part("rgb").ok_or("the codecs module sent no pixels")?,
            width,
            height,
            exif: part("exif"),
            exif_is_tiff_file,
            xmp: part("xmp"),
            icc: part("icc"),
        })),
        FromCodecs::Failed { error } => Ok(Err(error)),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
