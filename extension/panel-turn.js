// Whose turn it is to upload. Every iCloud Photos tab gets a photolift panel; only one may drive
// uploads (they share the journal and the kept handles). The first panel to ask gets the turn and
// keeps it for as long as its page lives; the others ask again every second and get it once that
// page is gone (closed, reloaded, navigated). Kept in chrome.storage.session so that it survives
// this worker being stopped, and forgotten when the browser closes.
//
//   {photolift: 'turn', op: 'take'} -> {ok: true, granted: boolean}

const OWNER_KEY = 'photolift.panelTurn';
// Answers one at a time: two panels asking at once must not both get the turn.
let queue = Promise.resolve();

async function take(clientId) {
  const { [OWNER_KEY]: owner } = await chrome.storage.session.get(OWNER_KEY);
  if (owner && owner !== clientId && await self.clients.get(owner)) return { ok: true, granted: false };
  await chrome.storage.session.set({ [OWNER_KEY]: clientId });
  return { ok: true, granted: true };
}

self.addEventListener('message', (event) => {
  const port = event.ports?.[0];
  if (event.data?.photolift !== 'turn' || !port || event.origin !== self.location.origin) return;
  const clientId = event.source?.id;
  const answered = queue = queue.then(async () => {
    try {
      if (event.data.op !== 'take' || !clientId) throw new Error(`bad turn request ${event.data.op}`);
      port.postMessage(await take(clientId));
    } catch (error) {
      port.postMessage({ error: String(error?.message ?? error) });
    }
  });
  event.waitUntil?.(answered);
});
