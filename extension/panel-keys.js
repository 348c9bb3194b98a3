// Who is a photolift panel. A page script can frame panel.html, or hand the panel a port of its
// own; neither may reach the user's photos. The content script that injected a panel registers,
// by extension messaging (which the page cannot see), a per-load secret for its tab (and the
// panel's frame id where the browser tells it: Firefox's runtime.getFrameId; Chromium has none);
// it hands the same secret only to its own panel frame, with the port, posted to the extension's
// origin. The panel has it verified here: granted once, to a panel.html frame of that tab (that
// frame, when known) holding the matching secret. The verified panel gets a token
// for its requests to this worker (turn, handles), bound to the first window client that uses it.
// Kept in chrome.storage.session (which content scripts cannot read): the worker may be stopped
// between a registration and its verification.

const SECRETS_KEY = 'photolift.panelSecrets';
const TOKENS_KEY = 'photolift.panelTokens';
// One answer at a time: a secret is granted once even when two frames ask together.
let queue = Promise.resolve();

function serially(work) {
  const answer = queue.then(work);
  queue = answer.catch(() => {});
  return answer;
}


/** 128 random bits as hex: a secret or a token. */
export function randomSecret() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function read(key) {
  const { [key]: value } = await chrome.storage.session.get(key);
  return value ?? {};
}

/** The content script of `tabId`'s top frame says its panel is `frameId` (-1: unknown), this load's `secret`. */
export function registerPanel(tabId, frameId, secret) {
  return serially(async () => {
    if (typeof secret !== 'string' || secret.length < 32 || !Number.isInteger(frameId)) {
      throw new Error('register-panel: expected a frame id and a secret');
    }
    const secrets = await read(SECRETS_KEY);
    secrets[tabId] = { secret, frameId };
    await chrome.storage.session.set({ [SECRETS_KEY]: secrets });
  });
}

/** A token when frame `frameId` of `tabId` holds the secret registered for it; null otherwise. */
export function verifyPanel(tabId, frameId, secret) {
  return serially(async () => {
    const secrets = await read(SECRETS_KEY);
    const registered = secrets[tabId];
    if (typeof secret !== 'string' || !registered || registered.secret !== secret) return null;
    if (registered.frameId >= 0 && registered.frameId !== frameId) return null;
    delete secrets[tabId];
    const token = randomSecret();
    const tokens = await read(TOKENS_KEY);
    tokens[token] = { clientId: null, tabId };
    await chrome.storage.session.set({ [SECRETS_KEY]: secrets, [TOKENS_KEY]: await livingTokens(tokens) });
    return token;
  });
}

/** Whether `token` is a verified panel's, used from window client `clientId` (the first to use it). */
export function isVerifiedPanel(token, clientId) {
  return serially(async () => {
    if (typeof token !== 'string' || !clientId) return false;
    const tokens = await read(TOKENS_KEY);
    const entry = tokens[token];
    if (!entry) return false;
    if (entry.clientId === null) {
      entry.clientId = clientId;
      await chrome.storage.session.set({ [TOKENS_KEY]: tokens });
      return true;
    }
    return entry.clientId === clientId;
  });
}

/** The tab of the verified panel that holds `token` (null: none). */
export async function panelTab(token) {
  const tokens = await read(TOKENS_KEY);
  return typeof token === 'string' ? tokens[token]?.tabId ?? null : null;
}

// Tokens of panels whose page is gone are dropped (when the worker can tell: it has clients).
async function livingTokens(tokens) {
  if (!self.clients?.get) return tokens;
  const living = {};
  for (const [token, entry] of Object.entries(tokens)) {
    if (entry.clientId === null || await self.clients.get(entry.clientId)) living[token] = entry;
  }
  return living;
}
