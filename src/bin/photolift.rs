//! Native CLI on the same conversion core as the extension:
//!
//! ```text
//! photolift convert FILE... --out DIR [--quality N] [--no-date-rescue] [--no-hdr] [--json]
//! ```
//!
//! Writes `NAME.jpg` into DIR for each photo (a JPEG is copied byte for byte, a video keeps its
//! name), never overwriting: an existing name gets `-1`, `-2`, … Prints one line per file and
//! exits 0 only when every file converted. Inputs are only read. Files convert on all cores at
//! once; they are written and reported in the order given.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Condvar, Mutex};
use std::time::UNIX_EPOCH;

use photolift::convert::{
    convert, jpeg_file_name, Conversion, ConvertOptions, Format, KeptMetadata,
};
use serde::Serialize;

const USAGE: &str =
    "usage: photolift convert FILE... --out DIR [--quality N] [--no-date-rescue] [--no-hdr] [--json]";

struct Args {
    inputs: Vec<PathBuf>,
    out_dir: PathBuf,
    quality: u8,
    date_rescue: bool,
    hdr_gain_map: bool,
    json: bool,
}

/// One line of `--json` output.
#[derive(Serialize, Default)]
struct FileReport {
    input: String,
    output: Option<String>,
    format: Option<&'static str>,
    /// True when the original bytes were copied (JPEG, video).
    unchanged: bool,
    width: Option<u32>,
    height: Option<u32>,
    kept: Option<KeptMetadata>,
    error: Option<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("photolift: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = fs::create_dir_all(&args.out_dir) {
        eprintln!("photolift: cannot create {}: {e}", args.out_dir.display());
        return ExitCode::from(2);
    }
    let mut failures = 0;
    convert_all(&args, |report| {
        if report.error.is_some() {
            failures += 1;
        }
        print_report(&report, args.json);
    });
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A file read and converted, not yet written.
type Converted = Result<(String, Vec<u8>), String>;

/// Converts every input on all cores, one file per thread at a time, and writes and reports
/// them in input order (so two inputs of the same name get `NAME.jpg` and `NAME-1.jpg` in the
/// order given, as one after another would). A thread starts a file only while fewer than two
/// per thread wait to be written, so memory stays bounded however many files are given.
fn convert_all(args: &Args, mut report_one: impl FnMut(FileReport)) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(args.inputs.len())
        .max(1);
    let window = 2 * threads;
    // (next input to start, inputs written so far)
    let progress = Mutex::new((0usize, 0usize));
    let written_more = Condvar::new();
    let (send, receive) = mpsc::channel::<(usize, FileReport, Converted)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let send = send.clone();
            let (progress, written_more) = (&progress, &written_more);
            scope.spawn(move || loop {
                let index = {
                    let mut state = progress.lock().unwrap_or_else(|e| e.into_inner());
                    while state.0 < args.inputs.len() && state.0 >= state.1 + window {
                        state = written_more.wait(state).unwrap_or_else(|e| e.into_inner());
                    }
                    if state.0 >= args.inputs.len() {
                        return;
                    }
                    state.0 += 1;
                    state.0 - 1
                };
                let input = &args.inputs[index];
                let mut report = FileReport {
                    input: input.display().to_string(),
                    ..FileReport::default()
                };
                let converted = convert_one(input, args, &mut report);
                if send.send((index, report, converted)).is_err() {
                    return;
                }
            });
        }
        drop(send);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (index, report, converted) in receive {
            waiting.insert(index, (report, converted));
            while let Some((mut report, converted)) = waiting.remove(&next) {
                let written = converted.and_then(|(name, data)| {
                    write_new_file(&args.out_dir, &name, &data)
                        .map_err(|e| format!("cannot write to {}: {e}", args.out_dir.display()))
                });
                match written {
                    Ok(output) => report.output = Some(output.display().to_string()),
                    Err(error) => report.error = Some(error),
                }
                report_one(report);
                next += 1;
                progress.lock().unwrap_or_else(|e| e.into_inner()).1 = next;
                written_more.notify_all();
            }
        }
    });
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("no command".into());
    };
    if command != "convert" {
        return Err(format!("unknown command {command:?}"));
    }
    let mut parsed = Args {
        inputs: Vec::new(),
        out_dir: PathBuf::new(),
        quality: ConvertOptions::default().quality,
        date_rescue: true,
        hdr_gain_map: true,
        json: false,
    };
    let mut out_dir = None;
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out_dir = Some(rest.next().ok_or("--out needs a directory")?.into()),
            "--quality" => {
                let value = rest.next().ok_or("--quality needs a number")?;
                parsed.quality = value
                    .parse()
                    .ok()
                    .filter(|q| (1..=100).contains(q))
                    .ok_or_else(|| format!("--quality must be 1 to 100, not {value:?}"))?;
            }
            "--no-date-rescue" => parsed.date_rescue = false,
            "--no-hdr" => parsed.hdr_gain_map = false,
            "--json" => parsed.json = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file => parsed.inputs.push(file.into()),
        }
    }
    parsed.out_dir = out_dir.ok_or("--out DIR is required")?;
    if parsed.inputs.is_empty() {
        return Err("no input files".into());
    }
    Ok(parsed)
}

/// Reads and converts one file: the name to write it under and its bytes (the original's for
/// a JPEG or a video), with what is known of it in `report`.
fn convert_one(input: &Path, args: &Args, report: &mut FileReport) -> Converted {
    let bytes = fs::read(input).map_err(|e| format!("cannot read the file: {e}"))?;
    let options = ConvertOptions {
        quality: args.quality,
        date_rescue: args.date_rescue,
        hdr_gain_map: args.hdr_gain_map,
        last_modified_ms: modified_ms(input),
        ..ConvertOptions::default()
    };
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "photo".into());
    // One file that trips a bug in a decoder must not stop the others.
    let conversion = panic::catch_unwind(AssertUnwindSafe(|| convert(&bytes, &options)))
        .map_err(|panic| format!("internal error while converting: {}", panic_message(&panic)))?
        .map_err(|e| e.knowing_name(&file_name).to_string())?;

    Ok(match conversion {
        Conversion::Unchanged { format } => {
            report.format = Some(format.name());
            report.unchanged = true;
            match format {
                // A video keeps its name; a JPEG gets the usual `.jpg`.
                Format::Video(_) => (file_name, bytes),
                _ => (jpeg_file_name(&file_name), bytes),
            }
        }
        Conversion::Converted(jpeg) => {
            report.format = Some(jpeg.source.name());
            report.width = Some(jpeg.width);
            report.height = Some(jpeg.height);
            report.kept = Some(jpeg.kept);
            (jpeg_file_name(&file_name), jpeg.bytes)
        }
    })
}

fn modified_ms(path: &Path) -> Option<i64> {
    let modified = fs::metadata(path).ok()?.modified().ok()?;
    match modified.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).ok(),
        Err(before) => i64::try_from(before.duration().as_millis())
            .ok()
            .map(|ms| -ms),
    }
}

/// Writes `data` as `dir/name`, or `dir/stem-N.ext` for the first N that does not exist.
/// `create_new` makes the check and the creation one step, so nothing is ever overwritten.
fn write_new_file(dir: &Path, name: &str, data: &[u8]) -> io::Result<PathBuf> {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    };
    for n in 0u32.. {
        let candidate = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{stem}-{n}{extension}"))
        };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return write_all_or_remove(file, &candidate, data).map(|()| candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free file name"))
}

/// A half-written file would look like a converted photo: remove it on failure.
fn write_all_or_remove(mut file: File, path: &Path, data: &[u8]) -> io::Result<()> {
    let result = file.write_all(data).and_then(|()| file.sync_all());
    if result.is_err() {
        let _ = fs::remove_file(path);
    }
    result
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn print_report(report: &FileReport, json: bool) {
    if json {
        match serde_json::to_string(report) {
            Ok(line) => println!("{line}"),
            Err(e) => println!("{{\"input\":{:?},\"error\":\"{e}\"}}", report.input),
        }
        return;
    }
    match (&report.output, &report.error) {
        (_, Some(error)) => println!("{}: error: {error}", report.input),
        (Some(output), None) => println!("{} -> {output}: ok", report.input),
        (None, None) => println!("{}: error: nothing written", report.input),
    }
}
