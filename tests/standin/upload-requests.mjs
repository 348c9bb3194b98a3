// What every request to an upload host shares: its entry in state.attempts, its answer (with
// CORS), the signed-out answer, and taking a photo's bytes the way the faults say (cut mid-body,
// read at the uplink's pace, answered late).
import { createHash } from 'node:crypto';
import { corsHeaders, readBody, sendJson } from './responses.mjs';
import { takeDrop, takeStall } from './state.mjs';

/** Logs a request in state.attempts and returns its entry: {kind, size: 0, status: null, at, …fields}. */
export function recordAttempt(state, kind, fields = {}) {
  const attempt = { kind, size: 0, status: null, at: Date.now(), ...fields };
  state.attempts.push(attempt);
  return attempt;
}

/** Answers JSON with CORS and notes the status (and when) on the attempt. */
export function answer(req, res, attempt, status, value) {
  attempt.status = status;
  attempt.doneAt = Date.now();
  sendJson(res, status, value, corsHeaders(req));
}

/** Signed out: the body is drained, then every API/content request gets state.expiryStatus. */
export async function answerExpired(req, res, state, attempt) {
  const body = await readBody(req);
  if (!attempt.size) attempt.size = body.length;
  answer(req, res, attempt, state.expiryStatus, { error: 'AUTHENTICATION_FAILED' });
}

/** Bodies up to this size are kept in memory (state.stored/received `bytes`); a bigger one (a
 * video of gigabytes) is streamed through its SHA-256 and kept as size and hash only. */
export const KEEP_BYTES_UP_TO = 64 * 1024 * 1024;

/**
 * Reads a byte POST's body. Resolves to the bytes, or to null when the request ended without
 * them: cut by the drop fault (attempt.status 'dropped') or abandoned by the page ('aborted').
 * With bandwidthBytesPerSec set, the body is read no faster than the shared uplink allows
 * (the request stream is paused between chunks, so the browser's upload really slows down).
 * With `streamed`, resolves to {size, sha256, bytes} instead, `bytes` null above KEEP_BYTES_UP_TO.
 */
export function receiveBytes(req, state, timers, attempt, { streamed = false } = {}) {
  if (takeDrop(state)) return cutMidBody(req, attempt);
  const link = state.faults.link;
  return new Promise((resolve) => {
    let chunks = [];
    const hash = streamed ? createHash('sha256') : null;
    let size = 0;
    let readyAt = 0;
    let ended = false;
    req.on('data', (chunk) => {
      hash?.update(chunk);
      if (chunks) chunks.push(chunk);
      size += chunk.length;
      if (streamed && size > KEEP_BYTES_UP_TO) chunks = null;
      attempt.size = size;
      if (!link) return;
      link.nextFreeAt = Math.max(Date.now(), link.nextFreeAt) + (chunk.length * 1000) / link.bytesPerSec;
      readyAt = link.nextFreeAt;
      req.pause();
      at(timers, readyAt, () => req.resume());
    });
    req.on('end', () => {
      ended = true;
      at(timers, readyAt, () => {
        attempt.bodyEndedAt = Date.now();
        if (!streamed) return resolve(Buffer.concat(chunks));
        return resolve({ size, sha256: hash.digest('hex'), bytes: chunks && Buffer.concat(chunks) });
      });
    });
    req.on('error', () => {}); // a page that gives up resets the stream; 'close' follows
    req.on('close', () => {
      if (ended) return;
      attempt.status = 'aborted';
      attempt.doneAt = Date.now();
      resolve(null);
    });
  });
}

function cutMidBody(req, attempt) {
  attempt.status = 'dropped';
  return new Promise((resolve) => {
    const cut = () => {
      attempt.doneAt = Date.now();
      req.socket.destroy();
      resolve(null);
    };
    req.once('data', cut);
    req.once('end', cut);
  });
}

/** Calls `respond` now, or later (or never) when the stall fault holds this answer. */
export function answerMaybeLate(state, timers, attempt, respond) {
  const stallMs = takeStall(state);
  if (stallMs === 0) return respond();
  attempt.status = 'stalled';
  attempt.stalled = true; // stays when the late answer replaces the status
  if (stallMs === Infinity) return; // never answer; close() ends the connection
  at(timers, Date.now() + stallMs, respond);
}

// Runs `fn` at wall-clock time `when` (not before: Node may fire a timer a little early against
// Date.now()). `timers` collects pending ones so close() can cancel them.
function at(timers, when, fn) {
  const wait = Math.ceil(when - Date.now());
  if (wait <= 0) return fn();
  const timer = setTimeout(() => {
    timers.delete(timer);
    at(timers, when, fn);
  }, wait);
  timers.add(timer);
}
