// Whose turn it is to upload. Every iCloud Photos tab gets a photolift panel; only one may drive
// uploads (they share the journal and the kept handles). The first panel to ask gets the turn and
// keeps it for as long as its page lives; the others ask again every second and get it once that
// page is gone (closed, reloaded, navigated). Kept in chrome.storage.session so that it survives
// the service worker being stopped, and forgotten when the browser closes.
// Firefox's background is a page that cannot look up a panel's window (it has no service worker
// clients): there the turn is a lease, which the uploading panel renews every second and which
// lapses `leaseMs` after the last renewal (its page closed, reloaded or navigated).

const OWNER_KEY = 'photolift.panelTurn';
// Answers one at a time: two panels asking at once must not both get the turn.
let queue = Promise.resolve();

export function takeTurn(clientId, { leaseMs } = {}) {
  const answer = queue.then(async () => {
    if (!clientId) throw new Error('take-turn: the asking panel is unknown');
    const { [OWNER_KEY]: owner } = await chrome.storage.session.get(OWNER_KEY);
    if (owner && ownerId(owner) !== clientId && await lives(owner)) return false;
    await chrome.storage.session.set({ [OWNER_KEY]: leaseMs ? { id: clientId, until: Date.now() + leaseMs } : clientId });
    return true;
  });
  queue = answer.catch(() => {});
  return answer;
}

const ownerId = (owner) => (typeof owner === 'object' ? owner.id : owner);

async function lives(owner) {
  if (typeof owner === 'object') return Date.now() < owner.until;
  return Boolean(await self.clients?.get(owner));
}
