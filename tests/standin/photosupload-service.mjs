// p42-photosupload.icloud.com: today's upload API. From public captures, the Photos app
//   1. POST /photosupload/createUploadUrl {"zoneName":"PrimarySync","assets":{"<uuid>": <size>, …}}
//      → {"uploadUrls":{"<uuid>":"https://cvws.icloud-content.com/B/<n>/singleFileUpload?tk=…&uuid=…&e=…"}}
//   2. POSTs the bytes there (content-service.mjs), which answers a singleFile receipt;
//   3. POST /photosupload/putAsset {"zoneName":"PrimarySync","files":[{fileName, lastModDate,
//      timeZoneOffset, singleFileUploadRequest}], localTimeZoneId, importGroup} → 200 with a JSON
//      array, one entry per file in order: {uploadJobId, cplMaster, cplAsset, response:{status:200,…}},
//      409 "duplicate asset" (same bytes already registered), or a refusal (503 retryable, 4xx not);
//   4. POST /photosupload/uploadStatus {"uploadJobIds":[…]} → {"<id>":{"progress":95}} until 100;
//      an unknown id → {"<id>":{"errorCode":404}}, still HTTP 200.
// Duplicates are found by the sha256 of the stored bytes the receipt points at. Progress goes
// 95 → 100 on the second poll of a job (the stand-in's choice: deterministic, and it makes the app poll).
// Also here: POST /photosupload/v3/importAssets, the made-up upload of variant protocol 'unknown'
// (one multipart POST per file, parts "metadata" JSON and "file"): a flow photolift cannot know.
import { createHash, randomBytes } from 'node:crypto';
import { CONTENT_HOST } from './content-service.mjs';
import { answerPreflight, corsHeaders, parseMultipart, readBody, sendJson } from './responses.mjs';
import { appleId, findRegistered, registerPhoto, takeRule } from './state.mjs';
import { answer, answerExpired, answerMaybeLate, receiveBytes, recordAttempt } from './upload-requests.mjs';

export const PHOTOSUPLOAD_HOST = 'p42-photosupload.icloud.com';

const ROUTES = {
  'POST /photosupload/createUploadUrl': createUploadUrl,
  'POST /photosupload/putAsset': putAsset,
  'POST /photosupload/uploadStatus': uploadStatus,
  'POST /photosupload/v3/importAssets': importAssets,
};

const TYPES = { jpg: 'image/jpeg', jpeg: 'image/jpeg', mov: 'video/quicktime', mp4: 'video/mp4', m4v: 'video/x-m4v' };

export async function handlePhotosUploadHost(req, res, state, timers) {
  const url = new URL(req.url, `https://${PHOTOSUPLOAD_HOST}`);
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  const route = ROUTES[`${req.method} ${url.pathname}`];
  if (!route) return sendJson(res, 404, { error: 'not found' }, corsHeaders(req));
  return route(req, res, state, timers);
}

// Reads a JSON request for `kind`; answers (and returns null) when signed out or not JSON.
async function readRequest(req, res, state, kind) {
  const attempt = recordAttempt(state, kind);
  if (!state.signedIn) {
    await answerExpired(req, res, state, attempt);
    return null;
  }
  const raw = await readBody(req);
  attempt.size = raw.length;
  try {
    return { attempt, request: JSON.parse(raw.toString('utf8')) };
  } catch {
    answer(req, res, attempt, 400, { error: 'body is not JSON' });
    return null;
  }
}

async function createUploadUrl(req, res, state) {
  const read = await readRequest(req, res, state, 'createUploadUrl');
  if (!read) return;
  const { attempt, request } = read;
  const assets = Object.entries(request?.assets ?? {});
  if (request?.zoneName !== 'PrimarySync' || !assets.length
      || !assets.every(([, size]) => Number.isInteger(size) && size >= 0)) {
    return answer(req, res, attempt, 400, { error: 'expected {zoneName: "PrimarySync", assets: {uuid: size}}' });
  }
  attempt.files = assets.length;
  const forced = takeRule(state, 'createUploadUrl', assets.map(([, size]) => ({ size })));
  if (forced) return answer(req, res, attempt, forced.status, { error: forced.errorMessage });

  const expires = Math.floor(Date.now() / 1000) + 3600;
  const uploadUrls = {};
  for (const [uuid, size] of assets) {
    const token = randomBytes(24).toString('base64url');
    state.reservations.set(token, { uuid, size });
    const shard = 1 + (state.reservations.size % 8);
    uploadUrls[uuid] = `https://${CONTENT_HOST}/B/${shard}/singleFileUpload?tk=${token}&uuid=${encodeURIComponent(uuid)}&e=${expires}`;
  }
  answer(req, res, attempt, 200, { uploadUrls });
}

async function putAsset(req, res, state) {
  const read = await readRequest(req, res, state, 'putAsset');
  if (!read) return;
  const { attempt, request } = read;
  const files = request?.files;
  if (request?.zoneName !== 'PrimarySync' || !Array.isArray(files) || !files.length) {
    return answer(req, res, attempt, 400, { error: 'expected {zoneName: "PrimarySync", files: [...]}' });
  }
  attempt.files = files.length;
  const forced = takeRule(state, 'putAsset', files.map((file) => ({
    name: file?.fileName, size: file?.singleFileUploadRequest?.size,
  })));
  if (forced) return answer(req, res, attempt, forced.status, { error: forced.errorMessage });
  answer(req, res, attempt, 200, files.map((file) => putOne(state, file ?? {})));
}

// One file of a putAsset: registered, duplicate or refused, logged as a 'putAssetEntry' attempt.
function putOne(state, file) {
  const ticket = file.singleFileUploadRequest ?? {};
  const stored = state.stored.find((item) => item.receipt === ticket.receipt);
  const name = file.fileName;
  const entry = recordAttempt(state, 'putAssetEntry', { name, size: stored?.size ?? 0 });
  const refuse = (status, isRetryable, errorMessage) => {
    entry.status = status;
    return { response: { status, isRetryable, errorMessage } };
  };
  if (!stored || ticket.size !== stored.size || ticket.fileChecksum !== stored.singleFile.fileChecksum) {
    return refuse(400, false, 'invalid singleFileUploadRequest');
  }
  if (typeof name !== 'string' || !name || !Number.isFinite(file.lastModDate)) {
    return refuse(400, false, 'fileName and lastModDate are required');
  }
  // The byte POST's attempt learns the name only now.
  for (const bytes of state.attempts) if (bytes.kind === 'bytes' && bytes.storedIndex === stored.index) bytes.name = name;

  const forced = takeRule(state, 'putAssetEntry', { name, size: stored.size });
  if (forced) return refuse(forced.status, forced.isRetryable, forced.errorMessage);

  const existing = findRegistered(state, stored.sha256);
  if (existing) {
    entry.status = 409;
    return {
      cplMaster: existing.cplMaster ?? existing.photoGuid,
      cplAsset: existing.cplAsset ?? existing.photoGuid,
      response: { status: 409, isRetryable: false, errorMessage: 'duplicate asset' },
    };
  }
  const uploadJobId = appleId();
  const item = registerPhoto(state, {
    name,
    lastModDate: file.lastModDate,
    timeZoneOffset: file.timeZoneOffset,
    contentType: typeOf(name, stored.contentType),
    bytes: stored.bytes,
    size: stored.size,
    sha256: stored.sha256,
    protocol: 'today',
    cplMaster: appleId(),
    cplAsset: appleId(),
    uploadJobId,
  });
  stored.registered = true;
  state.jobs.set(uploadJobId, { polls: 0 });
  entry.status = 200;
  return {
    uploadJobId, cplMaster: item.cplMaster, cplAsset: item.cplAsset, response: { status: 200, isRetryable: false },
  };
}

async function uploadStatus(req, res, state) {
  const read = await readRequest(req, res, state, 'uploadStatus');
  if (!read) return;
  const { attempt, request } = read;
  const ids = request?.uploadJobIds;
  if (!Array.isArray(ids)) return answer(req, res, attempt, 400, { error: 'expected {uploadJobIds: [...]}' });
  const result = {};
  for (const id of ids) {
    const job = state.jobs.get(id);
    if (!job) {
      result[id] = { errorCode: 404 };
      continue;
    }
    job.polls += 1;
    result[id] = { progress: job.polls >= 2 ? 100 : 95 };
  }
  answer(req, res, attempt, 200, result);
}

// The 'unknown' flow: one multipart POST per file that registers it. Byte faults apply to it
// (drop, stall, bandwidth, and `bytes` rules by size).
async function importAssets(req, res, state, timers) {
  const attempt = recordAttempt(state, 'unknown');
  if (!state.signedIn) return answerExpired(req, res, state, attempt);
  const body = await receiveBytes(req, state, timers, attempt);
  if (!body) return;
  const parts = parseMultipart(body, req.headers['content-type']);
  const file = parts?.find((part) => part.name === 'file');
  let metadata = null;
  try {
    metadata = JSON.parse(parts?.find((part) => part.name === 'metadata')?.bytes.toString('utf8'));
  } catch { /* answered below */ }
  if (!file || typeof metadata?.fileName !== 'string') {
    return answer(req, res, attempt, 400, { error: 'expected multipart parts "metadata" and "file"' });
  }
  attempt.name = metadata.fileName;
  const forced = takeRule(state, 'bytes', { size: file.bytes.length });
  if (forced) return answer(req, res, attempt, forced.status, { error: forced.errorMessage });

  const bytes = Buffer.from(file.bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const existing = findRegistered(state, sha256);
  const item = existing ?? registerPhoto(state, {
    name: metadata.fileName,
    lastModDate: Number(metadata.lastModDate),
    contentType: typeOf(metadata.fileName, file.contentType),
    bytes,
    sha256,
    protocol: 'unknown',
    cplMaster: appleId(),
    cplAsset: appleId(),
  });
  answerMaybeLate(state, timers, attempt, () => {
    if (existing) answer(req, res, attempt, 409, { error: 'duplicate asset', cplAsset: existing.photoGuid });
    else answer(req, res, attempt, 200, { cplAsset: item.cplAsset, cplMaster: item.cplMaster });
  });
}

// iCloud types an asset by its name; the stored Content-Type (none for an ArrayBuffer body) is a fallback.
function typeOf(name, fallback) {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return TYPES[extension] ?? (fallback || 'application/octet-stream');
}
