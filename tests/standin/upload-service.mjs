// p42-uploadimagews.icloud.com: the WITHDRAWN single-POST upload service. Public captures show
// that since 2026-08-25 it answers every upload 410 {"errorReason":"Gone","errorCode":410}; the
// stand-in does so unless the variant protocol is 'legacy', which plays the service as it was:
// one request per file, the raw file as the body, name and lastModified in the query string,
// 200 registered, 409 when the same bytes are already in the library (not registered again).
import { createHash } from 'node:crypto';
import { answerPreflight, corsHeaders, readBody, sendJson } from './responses.mjs';
import { findRegistered, registerPhoto, takeFailure } from './state.mjs';
import { answer, answerExpired, answerMaybeLate, receiveBytes, recordAttempt } from './upload-requests.mjs';

export const UPLOAD_HOST = 'p42-uploadimagews.icloud.com';

// `timers` collects late answers so close() can cancel them.
export async function handleUploadHost(req, res, state, timers) {
  const url = new URL(req.url, `https://${UPLOAD_HOST}`);
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  if (req.method !== 'POST' || url.pathname !== '/upload') {
    return sendJson(res, 404, { error: 'not found' }, corsHeaders(req));
  }

  const name = url.searchParams.get('filename') ?? '';
  const attempt = recordAttempt(state, 'legacy', { name });
  if (state.variant.protocol !== 'legacy') {
    attempt.size = (await readBody(req)).length;
    return answer(req, res, attempt, 410, { errorReason: 'Gone', errorCode: 410 });
  }
  if (!state.signedIn) return answerExpired(req, res, state, attempt);

  const body = await receiveBytes(req, state, timers, attempt);
  if (!body) return;
  const forced = takeFailure(state, name);
  if (forced != null) return answer(req, res, attempt, forced, { error: `injected ${forced}` });

  const sha256 = createHash('sha256').update(body).digest('hex');
  const existing = findRegistered(state, sha256);
  const item = existing ?? registerPhoto(state, {
    name,
    lastModDate: Number(url.searchParams.get('lastModDate')),
    contentType: req.headers['content-type'] ?? '',
    bytes: body,
    sha256,
    protocol: 'legacy',
  });
  answerMaybeLate(state, timers, attempt, () => {
    if (existing) answer(req, res, attempt, 409, { error: 'already exists', photoGuid: existing.photoGuid });
    else answer(req, res, attempt, 200, { photoGuid: item.photoGuid, filename: name });
  });
}
