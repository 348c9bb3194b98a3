// The stand-in Photos app's upload module: HOW the chosen files go to iCloud. A classic script
// loaded before app.js, which calls
//   self.StandinUploader.upload(files, ui) → Promise, settled when the whole selection is over
//   self.StandinUploader.cancel()           aborts every upload in flight (the Cancel upload button)
// with ui = {variant, addRow(file) → row, setRow(row, state, text, fraction?), toast(count),
//            sessionExpired(), done(), text(key)}.
//
// variant.protocol 'today' (the default) is the flow public captures show since the single-POST
// service was withdrawn (2026-08-25):
//   1. createUploadUrl on p42-photosupload.icloud.com (JSON {zoneName, assets: {uuid: size}}) →
//      one upload URL per file on cvws.icloud-content.com;
//   2. each file's bytes POSTed to its URL (at most 3 at once) → a singleFile receipt;
//   3. putAsset with the receipts, file names, lastModDate and time zone → one entry per file
//      (200 with an uploadJobId, 409 duplicate, or refused);
//   4. uploadStatus polled until each job says progress 100.
// What the captures cannot tell, the variant chooses: the byte POST's body (File, Blob slice,
// ArrayBuffer), transport (XHR with upload progress, or fetch), realm (this window, or a dedicated
// Worker: upload-worker.js), one createUploadUrl per selection or per file, and putAsset for the
// whole selection or in chunks of N as files become ready.
// 'legacy' is the withdrawn flow (one POST per file to p42-uploadimagews); 'unknown' is an upload
// photolift cannot know (one multipart POST per file to a made-up v3/importAssets).
// A 401 or 421 from any request means the session is gone: ui.sessionExpired(), and everything stops.
'use strict';

(() => {
  const DSID = '1234567890';
  const API = 'https://p42-photosupload.icloud.com/photosupload';
  const LEGACY_UPLOAD_URL = 'https://p42-uploadimagews.icloud.com/upload';
  // The query every photosupload call carries (public captures: build and mastering numbers, a client id, dsid).
  const CLIENT_QUERY = new URLSearchParams({
    clientBuildNumber: '2626Project38', clientMasteringNumber: '2626B20', clientId: newId(), dsid: DSID,
  }).toString();
  const ZONE = 'PrimarySync';
  const MAX_PARALLEL_BYTES = 3;
  const STATUS_POLL_MS = 200;
  const MAX_STATUS_POLLS = 50; // then the rows say uploaded anyway: the library has the photos
  const SESSION_GONE = [401, 421];

  function newId() {
    return crypto.randomUUID().toUpperCase();
  }

  // ---- runs: one per selection; cancel() and session expiry end them all ---------------------------

  const runs = new Set();

  function startRun(ui) {
    const controller = new AbortController();
    const run = {
      ui, signal: controller.signal, controller, entries: [], over: false, expired: false, failures: 0,
    };
    runs.add(run);
    return run;
  }

  function stopRun(run) {
    run.over = true;
    run.controller.abort();
    dropSlotWaiters(run);
  }

  function cancel() {
    for (const run of runs) stopRun(run);
  }

  // The session is gone for every selection; the shell is told once.
  function expire(run) {
    if (run.expired) return;
    for (const each of runs) {
      each.expired = true;
      stopRun(each);
    }
    run.ui.sessionExpired();
  }

  // A file of a selection and its progress row. `done` once the row shows its final state.
  function item(run, file) {
    const entry = { file, row: run.ui.addRow(file), uuid: newId(), index: run.entries.length, done: false };
    run.entries.push(entry);
    return entry;
  }

  function finish(run, entry, state) {
    if (entry.done) return;
    entry.done = true;
    run.ui.setRow(entry.row, state, run.ui.text(state), state === 'failed' ? undefined : 1);
  }

  // A failure counts towards the error toast unless the run was stopped (cancel, session expiry).
  function fail(run, entry) {
    if (entry.done) return;
    if (!run.over) run.failures += 1;
    finish(run, entry, 'failed');
  }

  function showProgress(run, entry, fraction) {
    if (!entry.done) run.ui.setRow(entry.row, 'uploading', `${Math.round(fraction * 100)}%`, fraction);
  }

  // ---- at most three byte uploads at once, across selections ----------------------------------------

  const slots = { free: MAX_PARALLEL_BYTES, waiting: [] };

  /** Resolves true when a slot is taken, false when the run stopped first. */
  function takeSlot(run) {
    if (run.over) return Promise.resolve(false);
    if (slots.free > 0) {
      slots.free -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => slots.waiting.push({ run, resolve }));
  }

  function giveSlot() {
    const next = slots.waiting.shift();
    if (next) next.resolve(true);
    else slots.free += 1;
  }

  function dropSlotWaiters(run) {
    const theirs = slots.waiting.filter((waiter) => waiter.run === run);
    slots.waiting = slots.waiting.filter((waiter) => waiter.run !== run);
    for (const waiter of theirs) waiter.resolve(false);
  }

  // ---- requests: each resolves {status, json}; status 0 = no answer (network error, abort) ----------

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function xhrPost(url, body, { signal, credentials = false, contentType, onProgress } = {}) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve({ status: 0, json: null });
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.withCredentials = credentials;
      if (contentType) xhr.setRequestHeader('Content-Type', contentType);
      if (onProgress) {
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable && event.total) onProgress(event.loaded / event.total);
        };
      }
      xhr.onload = () => resolve({ status: xhr.status, json: parseJson(xhr.responseText) });
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => resolve({ status: 0, json: null });
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  }

  async function fetchPost(url, body, { signal, credentials = false, contentType } = {}) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        signal,
        credentials: credentials ? 'include' : 'omit',
        headers: contentType ? { 'Content-Type': contentType } : {},
      });
      return { status: response.status, json: parseJson(await response.text()) };
    } catch {
      return { status: 0, json: null };
    }
  }

  // A photosupload call: JSON in, JSON out, with the session's credentials.
  async function api(run, endpoint, payload) {
    const answer = await fetchPost(`${API}/${endpoint}?${CLIENT_QUERY}`, JSON.stringify(payload), {
      signal: run.signal, credentials: true, contentType: 'application/json',
    });
    if (SESSION_GONE.includes(answer.status)) expire(run);
    return answer;
  }

  // ---- the byte POST, from this window or from the upload worker --------------------------------------

  function bodyOf(file, kind) {
    if (kind === 'blob') return file.slice(0, file.size, file.type);
    if (kind === 'arraybuffer') return file.arrayBuffer();
    return file;
  }

  function postBytes(url, body, { realm, transport, signal, onProgress }) {
    if (realm === 'worker') return workerPost(url, body, { transport, signal, onProgress });
    if (transport === 'fetch') return fetchPost(url, body, { signal });
    return xhrPost(url, body, { signal, onProgress });
  }

  let worker = null;
  const workerRequests = new Map(); // id → {resolve, onProgress}
  let nextRequestId = 1;

  function uploadWorker() {
    if (worker) return worker;
    worker = new Worker(new URL('upload-worker.js', document.baseURI));
    worker.onmessage = ({ data }) => {
      const request = workerRequests.get(data.id);
      if (!request) return;
      if (data.type === 'progress') return request.onProgress?.(data.loaded / data.total);
      workerRequests.delete(data.id);
      request.resolve({ status: data.status, json: parseJson(data.text) });
    };
    worker.onerror = () => { // the worker died: nothing it was sending will answer
      for (const request of workerRequests.values()) request.resolve({ status: 0, json: null });
      workerRequests.clear();
      worker = null;
    };
    return worker;
  }

  function workerPost(url, body, { transport, signal, onProgress }) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve({ status: 0, json: null });
      const id = nextRequestId++;
      const target = uploadWorker();
      workerRequests.set(id, { resolve, onProgress });
      target.postMessage({ type: 'post', id, url, body, transport }, body instanceof ArrayBuffer ? [body] : []);
      signal.addEventListener('abort', () => target.postMessage({ type: 'abort', id }), { once: true });
    });
  }

  // ---- today's flow -------------------------------------------------------------------------------

  async function uploadToday(run, files) {
    const { variant } = run.ui;
    const entries = files.map((file) => item(run, file));
    const putAssets = putAssetBatcher(run, Number(variant.putAssetBatch) || 0);
    if (variant.reserve !== 'file') await reserve(run, entries);
    await Promise.all(entries.map(async (entry) => {
      if (await storeBytes(run, entry)) putAssets.ready(entry);
    }));
    await putAssets.finish();
  }

  // createUploadUrl for these files; each gets entry.url, or fails.
  async function reserve(run, entries) {
    if (run.over || !entries.length) return;
    const assets = Object.fromEntries(entries.map((entry) => [entry.uuid, entry.file.size]));
    const answer = await api(run, 'createUploadUrl', { zoneName: ZONE, assets });
    const urls = answer.status === 200 ? answer.json?.uploadUrls ?? {} : {};
    for (const entry of entries) {
      entry.url = urls[entry.uuid];
      if (!entry.url) fail(run, entry);
    }
  }

  // POSTs one file's bytes to its upload URL (asked for just before with reserve 'file');
  // true when the content host kept them (entry.singleFile).
  async function storeBytes(run, entry) {
    const { variant } = run.ui;
    if (entry.done || !(await takeSlot(run))) return false;
    try {
      if (variant.reserve === 'file') await reserve(run, [entry]);
      if (!entry.url || run.over) return false;
      showProgress(run, entry, 0);
      const body = await bodyOf(entry.file, variant.body);
      const answer = await postBytes(entry.url, body, {
        realm: variant.realm, transport: variant.transport, signal: run.signal,
        onProgress: (fraction) => showProgress(run, entry, fraction),
      });
      if (SESSION_GONE.includes(answer.status)) expire(run);
      if (answer.status === 200 && answer.json?.singleFile) {
        entry.singleFile = answer.json.singleFile;
        return true;
      }
      fail(run, entry);
      return false;
    } finally {
      giveSlot();
    }
  }

  // Collects files whose bytes are stored and registers them: all at the end (chunk 0), or in
  // chunks of `chunk` files as soon as that many are ready (the last chunk at the end); within a
  // putAsset, files keep their order in the selection.
  function putAssetBatcher(run, chunk) {
    const importGroup = newId();
    const ready = [];
    const sent = [];
    const send = () => sent.push(register(run, ready.splice(0).sort((a, b) => a.index - b.index), importGroup));
    return {
      ready(entry) {
        ready.push(entry);
        if (chunk > 0 && ready.length >= chunk) send();
      },
      async finish() {
        if (ready.length) send();
        await Promise.all(sent);
      },
    };
  }

  async function register(run, entries, importGroup) {
    if (run.over) return;
    const answer = await api(run, 'putAsset', {
      zoneName: ZONE,
      files: entries.map(({ file, singleFile }) => ({
        fileName: file.name,
        lastModDate: file.lastModified,
        timeZoneOffset: new Date(file.lastModified).getTimezoneOffset(),
        singleFileUploadRequest: singleFile,
      })),
      localTimeZoneId: Intl.DateTimeFormat().resolvedOptions().timeZone,
      importGroup,
    });
    const results = answer.status === 200 && Array.isArray(answer.json) ? answer.json : [];
    const jobs = [];
    entries.forEach((entry, i) => {
      const status = results[i]?.response?.status;
      if (status === 200 && results[i].uploadJobId) jobs.push({ entry, id: results[i].uploadJobId });
      else if (status === 409) finish(run, entry, 'duplicate');
      else fail(run, entry);
    });
    await followJobs(run, jobs);
  }

  // Polls uploadStatus until every job says 100 (its row: uploaded) or an error code (failed).
  async function followJobs(run, jobs) {
    let pending = jobs;
    for (let polls = 0; pending.length && !run.over; polls += 1) {
      if (polls >= MAX_STATUS_POLLS) {
        for (const { entry } of pending) finish(run, entry, 'uploaded');
        return;
      }
      if (polls > 0) await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      const answer = await api(run, 'uploadStatus', { uploadJobIds: pending.map((job) => job.id) });
      if (answer.status !== 200 || !answer.json) continue;
      pending = pending.filter(({ entry, id }) => {
        const status = answer.json[id];
        if (status?.progress >= 100) finish(run, entry, 'uploaded');
        else if (status?.errorCode) fail(run, entry);
        else return true;
        return false;
      });
    }
  }

  // ---- the withdrawn flow and the unknown one: one POST per file ----------------------------------------

  async function uploadEach(run, files, send) {
    const entries = files.map((file) => item(run, file));
    await Promise.all(entries.map(async (entry) => {
      if (!(await takeSlot(run))) return;
      try {
        showProgress(run, entry, 0);
        const answer = await send(entry, (fraction) => showProgress(run, entry, fraction));
        if (SESSION_GONE.includes(answer.status)) expire(run);
        if (answer.status === 200) finish(run, entry, 'uploaded');
        else if (answer.status === 409) finish(run, entry, 'duplicate');
        else fail(run, entry);
      } finally {
        giveSlot();
      }
    }));
  }

  function legacyPost(run) {
    return ({ file }, onProgress) => {
      const query = new URLSearchParams({
        filename: file.name, dsid: DSID, lastModDate: String(file.lastModified), timestamp: String(Date.now()),
      });
      return xhrPost(`${LEGACY_UPLOAD_URL}?${query}`, file, { signal: run.signal, credentials: true, onProgress });
    };
  }

  function importPost(run) {
    return ({ file }, onProgress) => {
      const form = new FormData();
      form.append('metadata', JSON.stringify({
        fileName: file.name, lastModDate: file.lastModified, timeZoneOffset: new Date(file.lastModified).getTimezoneOffset(),
      }));
      form.append('file', file, file.name);
      return xhrPost(`${API}/v3/importAssets?${CLIENT_QUERY}`, form, { signal: run.signal, credentials: true, onProgress });
    };
  }

  // ---- the module ---------------------------------------------------------------------------------

  async function upload(files, ui) {
    const run = startRun(ui);
    try {
      const protocol = ui.variant?.protocol ?? 'today';
      if (protocol === 'legacy') await uploadEach(run, files, legacyPost(run));
      else if (protocol === 'unknown') await uploadEach(run, files, importPost(run));
      else await uploadToday(run, files);
    } finally {
      runs.delete(run);
      for (const entry of run.entries) fail(run, entry); // rows a stopped run left unfinished
      if (run.failures && !run.over) ui.toast(run.failures);
      if (!run.expired) ui.done();
    }
  }

  self.StandinUploader = { upload, cancel };
})();
