// /__standin/…: the tests' control API. Served on the page's host and on the direct address (so
// both https://www.icloud.com/__standin/… from inside the browser and https://127.0.0.1:PORT/__standin/…
// from Node work). The extension never calls it; the real site has nothing like it.
//   GET  received | received/:i (bytes) | stored | attempts | state | faults | variant
//   POST faults (replace) | variant (merge) | reset | signout ({status: 421|401}) | signin
import { readJsonBody, sendJson, sendText } from './responses.mjs';
import {
  describeReceived, describeStored, resetState, setFaults, setVariant, signOut,
} from './state.mjs';

export const CONTROL_PREFIX = '/__standin/';

export async function handleControl(req, res, state) {
  const path = new URL(req.url, 'https://control').pathname.slice(CONTROL_PREFIX.length);
  const route = `${req.method} ${path}`;
  const one = path.match(/^received\/(\d+)$/);

  if (route === 'GET received') return sendJson(res, 200, describeReceived(state));
  if (req.method === 'GET' && one) {
    const item = state.received[Number(one[1])];
    if (!item) return sendJson(res, 404, { error: 'no such item' });
    res.writeHead(200, { 'Content-Type': item.contentType || 'application/octet-stream', 'Content-Length': item.bytes ? item.size : 0 });
    return res.end(item.bytes ?? undefined); // a streamed video is kept as its hash only
  }
  if (route === 'GET stored') return sendJson(res, 200, describeStored(state));
  if (route === 'GET attempts') return sendJson(res, 200, state.attempts);
  if (route === 'GET faults') return sendJson(res, 200, state.faultConfig);
  if (route === 'GET variant') return sendJson(res, 200, state.variant);
  if (route === 'GET state') {
    return sendJson(res, 200, {
      signedIn: state.signedIn,
      expiryStatus: state.expiryStatus,
      received: state.received.length,
      stored: state.stored.length,
      attempts: state.attempts.length,
      faults: state.faultConfig,
      variant: state.variant,
    });
  }
  if (route === 'POST faults') return applyJson(req, res, (config) => { setFaults(state, config); return state.faultConfig; });
  if (route === 'POST variant') return applyJson(req, res, (partial) => setVariant(state, partial));
  if (route === 'POST reset') {
    resetState(state);
    return ok(res);
  }
  // A session that expires while the app is open: its requests get 421 (or 401), and the shell swaps
  // the app for the sign-in view in place (no reload). `signin` here only flips the server side.
  if (route === 'POST signout') return applyJson(req, res, (options) => { signOut(state, options); return { ok: true }; });
  if (route === 'POST signin') {
    state.signedIn = true;
    return ok(res);
  }
  return sendJson(res, 404, { error: `unknown control route ${route}` });
}

// Reads a JSON body and answers apply(body); a body that is not JSON, or that apply refuses, is a 400.
async function applyJson(req, res, apply) {
  let body;
  try {
    body = await readJsonBody(req);
  } catch {
    return sendText(res, 400, `${req.url}: body must be JSON`);
  }
  try {
    return sendJson(res, 200, apply(body));
  } catch (error) {
    return sendText(res, 400, error.message);
  }
}

function ok(res) {
  sendJson(res, 200, { ok: true });
}
