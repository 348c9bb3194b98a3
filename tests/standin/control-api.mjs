// /__standin/…: the tests' control API. Served on every host name (so both
// https://www.icloud.com/__standin/… from inside the browser and https://127.0.0.1:PORT/__standin/…
// from Node work). The extension never calls it; the real site has nothing like it.
import { readJsonBody, sendJson, sendText } from './responses.mjs';
import { describeReceived, resetState, setFaults } from './state.mjs';

export const CONTROL_PREFIX = '/__standin/';

export async function handleControl(req, res, state) {
  const path = new URL(req.url, 'https://control').pathname.slice(CONTROL_PREFIX.length);
  const route = `${req.method} ${path}`;
  const one = path.match(/^received\/(\d+)$/);

  if (route === 'GET received') return sendJson(res, 200, describeReceived(state));
  if (req.method === 'GET' && one) {
    const item = state.received[Number(one[1])];
    if (!item) return sendJson(res, 404, { error: 'no such item' });
    res.writeHead(200, { 'Content-Type': item.contentType || 'application/octet-stream', 'Content-Length': item.size });
    return res.end(item.bytes);
  }
  if (route === 'GET attempts') return sendJson(res, 200, state.attempts);
  if (route === 'GET faults') return sendJson(res, 200, state.faultConfig);
  if (route === 'GET state') {
    return sendJson(res, 200, {
      signedIn: state.signedIn, received: state.received.length, attempts: state.attempts.length, faults: state.faultConfig,
    });
  }
  if (route === 'POST faults') {
    let config;
    try {
      config = await readJsonBody(req);
    } catch {
      return sendText(res, 400, 'faults: body must be JSON');
    }
    setFaults(state, config);
    return sendJson(res, 200, state.faultConfig);
  }
  if (route === 'POST reset') {
    resetState(state);
    return ok(res);
  }
  // A session that expires while the app is open: its requests get 401, and at the first one the shell
  // swaps the app for the sign-in view in place (no reload). `signin` here only flips the server side.
  if (route === 'POST signout' || route === 'POST signin') {
    state.signedIn = route === 'POST signin';
    return ok(res);
  }
  return sendJson(res, 404, { error: `unknown control route ${route}` });
}

function ok(res) {
  sendJson(res, 200, { ok: true });
}
