// p42-uploadimagews.icloud.com: the service the Photos app POSTs each file to.
// One request per file, the raw file as the body, name and lastModified in the query string.
// An exact duplicate (same bytes) is answered 409 "already there" and not stored again,
// as the real service is reported to do.
import { createHash, randomUUID } from 'node:crypto';
import { answerPreflight, corsHeaders, readBody, sendJson } from './responses.mjs';
import { takeDrop, takeFailure, takeStall } from './state.mjs';

export const UPLOAD_HOST = 'p42-uploadimagews.icloud.com';

// `stallTimers` collects late answers so close() can cancel them.
export async function handleUploadHost(req, res, state, stallTimers) {
  const url = new URL(req.url, `https://${UPLOAD_HOST}`);
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  if (req.method !== 'POST' || url.pathname !== '/upload') {
    return sendJson(res, 404, { error: 'not found' }, corsHeaders(req));
  }

  const name = url.searchParams.get('filename') ?? '';
  const attempt = { name, size: 0, status: null, at: Date.now() };
  state.attempts.push(attempt);

  if (takeDrop(state)) {
    // Let some of the body arrive, then cut the connection without an answer.
    attempt.status = 'dropped';
    const cut = () => req.socket.destroy();
    req.once('data', cut);
    req.once('end', cut);
    return;
  }

  const body = await readBody(req);
  attempt.size = body.length;
  const answer = (status, value) => {
    attempt.status = status;
    sendJson(res, status, value, corsHeaders(req));
  };

  if (!state.signedIn) return answer(401, { error: 'AUTHENTICATION_FAILED' });
  const forced = takeFailure(state, name);
  if (forced != null) return answer(forced, { error: `injected ${forced}` });

  const sha256 = createHash('sha256').update(body).digest('hex');
  const existing = state.received.find((item) => item.sha256 === sha256);
  const stored = existing ?? store(state, { name, url, req, body, sha256 });

  const stallMs = takeStall(state);
  const respond = () => {
    if (existing) answer(409, { error: 'already exists', photoGuid: existing.photoGuid });
    else answer(200, { photoGuid: stored.photoGuid, filename: name });
  };
  if (stallMs === 0) return respond();
  attempt.status = 'stalled';
  attempt.stalled = true; // stays when the late answer replaces the status
  if (stallMs === Infinity) return; // never answer; close() ends the connection
  const timer = setTimeout(() => {
    stallTimers.delete(timer);
    respond();
  }, stallMs);
  stallTimers.add(timer);
}

function store(state, { name, url, req, body, sha256 }) {
  const item = {
    index: state.received.length,
    name,
    lastModDate: Number(url.searchParams.get('lastModDate')),
    contentType: req.headers['content-type'] ?? '',
    size: body.length,
    sha256,
    photoGuid: randomUUID().toUpperCase(),
    receivedAt: Date.now(),
    bytes: body,
  };
  state.received.push(item);
  return item;
}
