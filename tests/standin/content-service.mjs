// cvws.icloud-content.com (any *.icloud-content.com): where today's Photos app POSTs a photo's
// bytes, to the URL createUploadUrl handed out. From public captures: the path
// /B/<n>/singleFileUpload?tk=<token>&uuid=<client uuid>&e=<n>, the raw bytes as the body, and the
// answer {"singleFile":{referenceChecksum, size, fileChecksum, wrappingKey, receipt}}, which the
// app passes unchanged to putAsset. Storing is NOT registering: the bytes land in state.stored,
// and only putAsset puts them in the library. The checksum/key/receipt values are the stand-in's
// own opaque strings (captures show their shape, not how Apple makes them).
import { randomBytes } from 'node:crypto';
import { answerPreflight, corsHeaders, sendJson } from './responses.mjs';
import { takeRule } from './state.mjs';
import { answer, answerExpired, answerMaybeLate, receiveBytes, recordAttempt } from './upload-requests.mjs';

export const CONTENT_HOST = 'cvws.icloud-content.com';

export function isContentHost(host) {
  return host === 'icloud-content.com' || host.endsWith('.icloud-content.com');
}

export async function handleContentHost(req, res, state, timers) {
  const url = new URL(req.url, `https://${CONTENT_HOST}`);
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  if (req.method !== 'POST' || !/^\/B\/\d+\/singleFileUpload$/.test(url.pathname)) {
    return sendJson(res, 404, { error: 'not found' }, corsHeaders(req));
  }

  const uuid = url.searchParams.get('uuid') ?? '';
  const reservation = state.reservations.get(url.searchParams.get('tk') ?? '');
  const attempt = recordAttempt(state, 'bytes', { uuid });
  if (!state.signedIn) return answerExpired(req, res, state, attempt);

  // Streamed: a video of gigabytes is hashed as it arrives, not held (see KEEP_BYTES_UP_TO).
  const body = await receiveBytes(req, state, timers, attempt, { streamed: true });
  if (!body) return;
  if (!reservation || reservation.uuid !== uuid) {
    return answer(req, res, attempt, 403, { error: 'invalid upload token' });
  }
  if (body.size !== reservation.size) {
    return answer(req, res, attempt, 400, { error: `expected ${reservation.size} bytes, got ${body.size}` });
  }
  const forced = takeRule(state, 'bytes', { size: body.size });
  if (forced) return answer(req, res, attempt, forced.status, { error: forced.errorMessage });

  const stored = store(state, { uuid, body, contentType: req.headers['content-type'] ?? '' });
  attempt.storedIndex = stored.index;
  answerMaybeLate(state, timers, attempt, () => answer(req, res, attempt, 200, { singleFile: stored.singleFile }));
}

function store(state, { uuid, body, contentType }) {
  const sha256 = Buffer.from(body.sha256, 'hex');
  const singleFile = {
    referenceChecksum: Buffer.concat([Buffer.from([1]), randomBytes(20)]).toString('base64'),
    size: body.size,
    fileChecksum: Buffer.concat([Buffer.from([1]), sha256.subarray(0, 20)]).toString('base64'),
    wrappingKey: randomBytes(16).toString('base64'),
    receipt: `A${randomBytes(18).toString('base64url')}`,
  };
  const item = {
    index: state.stored.length,
    uuid,
    size: body.size,
    contentType,
    bytes: body.bytes, // null for a body above KEEP_BYTES_UP_TO: size and sha256 say what came
    sha256: sha256.toString('hex'),
    receipt: singleFile.receipt,
    singleFile,
    storedAt: Date.now(),
    registered: false,
  };
  state.stored.push(item);
  return item;
}
