// The background service worker: the toolbar button (and its keyboard shortcut) focuses an open
// iCloud Photos tab or opens one, and shows the photolift panel there. It also keeps, for the
// panel, what a frame inside icloud.com may not keep itself: dropped files' handles and whose
// turn it is to upload (the `background` boundary of protocol.js).
import './protocol.js';
import './content/icloud.js';
import { forgetHandles, keepHandles, keptHandles } from './handle-store.js';
import { listenForNews, newsRequests, notificationClicked } from './news.js';
import { isVerifiedPanel, panelTab, registerPanel, verifyPanel } from './panel-keys.js';
import { takeTurn } from './panel-turn.js';
import { installWebImageMenu, webImagesAnswer } from './web-image.js';

const site = globalThis.PhotoliftICloud;
const P = globalThis.PhotoliftProtocol;

async function showPanel(tabId) {
  // The content script may still be starting in a fresh tab; it shows the panel on its own then.
  try {
    await chrome.tabs.sendMessage(tabId, { type: 'show-panel' });
  } catch {
    /* no content script yet: the panel opens with the page */
  }
}

async function openPhotos() {
  const { photosUrl, photosTabPatterns } = site.manifestFacts();
  const [tab] = await chrome.tabs.query({ url: photosTabPatterns });
  if (tab) {
    await chrome.tabs.update(tab.id, { active: true });
    await chrome.windows.update(tab.windowId, { focused: true });
    await showPanel(tab.id);
    return tab.id;
  }
  const created = await chrome.tabs.create({ url: photosUrl, active: true });
  return created.id;
}

chrome.action.onClicked.addListener(() => {
  openPhotos().catch((error) => console.warn('photolift:', error));
});

// Tests drive the same code the toolbar click runs (the toolbar itself is outside the page).
globalThis.photoliftOpenPhotos = openPhotos;
// The context menu's "Upload to iCloud Photos" (web-image.js); tests run what its click runs.
globalThis.photoliftUploadImage = installWebImageMenu({ openPhotos });

const reply = (type, fields) => P.message('background', type, fields);

// How long a panel's turn lasts without renewal where the background is a page (Firefox).
const TURN_LEASE_MS = 5_000;

// By extension messaging, which names the sender's tab and frame: the content script registers
// its panel, the panel has its connection verified (panel-keys.js); in Firefox, where there is
// no service worker to post to, a verified panel also asks for its turn this way.
const senderHandlers = {
  [P.ToBackground.REGISTER_PANEL]: async (message, sender) => {
    if (sender.frameId !== 0 || !sender.tab || !isPageSender(sender)) throw new Error('register-panel: not a photolift page');
    await registerPanel(sender.tab.id, message.frameId, message.secret);
    return reply(P.FromBackground.DONE);
  },
  [P.ToBackground.VERIFY_PANEL]: async (message, sender) => {
    const token = isPanelSender(sender) ? await verifyPanel(sender.tab.id, sender.frameId, message.secret) : null;
    if (!token) throw new Error('verify-panel: not the panel its page injected');
    return reply(P.FromBackground.VERIFIED, { token });
  },
  [P.ToBackground.TAKE_TURN]: async (message, sender) => {
    // A tab has one panel: after a reload its new panel holds the turn its old one held, without
    // waiting for that lease to lapse.
    const client = isPanelSender(sender) && `panel-in-tab:${sender.tab.id}`;
    if (!client || !await isVerifiedPanel(message.token, client)) throw new Error('take-turn: not a verified photolift panel');
    return reply(P.FromBackground.TURN, { granted: await takeTurn(client, { leaseMs: TURN_LEASE_MS }) });
  },
  [P.ToBackground.TAKE_WEB_IMAGES]: async (message, sender) => {
    const client = isPanelSender(sender) && `panel-in-tab:${sender.tab.id}`;
    if (!client || !await isVerifiedPanel(message.token, client)) throw new Error('take-web-images: not a verified photolift panel');
    return webImagesAnswer(reply, P);
  },
};

function isPanelSender(sender) {
  return Boolean(sender.tab && sender.url && new URL(sender.url).pathname === '/panel.html' &&
    new URL(sender.url).protocol === self.location.protocol);
}

function isPageSender(sender) {
  const origin = sender.origin ?? (sender.url && new URL(sender.url).origin);
  return site.manifestFacts().pageOrigins.includes(origin);
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !P.isOf(message, 'background')) return false;
  const handler = senderHandlers[message.type];
  if (!handler) return false;
  handler(message, sender).then(sendResponse, (error) =>
    sendResponse(reply(P.FromBackground.ERROR, { message: String(error?.message ?? error) })));
  return true;
});

// By a message to this worker with a port to answer on: what only a verified panel may ask.
const requestHandlers = {
  [P.ToBackground.TAKE_TURN]: async (event) => reply(P.FromBackground.TURN, { granted: await takeTurn(event.source?.id) }),
  [P.ToBackground.KEEP_HANDLES]: async (event) => {
    await keepHandles(event.data.handles);
    return reply(P.FromBackground.DONE);
  },
  [P.ToBackground.KEPT_HANDLES]: async () => reply(P.FromBackground.HANDLES, { handles: await keptHandles() }),
  [P.ToBackground.FORGET_HANDLES]: async () => {
    await forgetHandles();
    return reply(P.FromBackground.DONE);
  },
  [P.ToBackground.TAKE_WEB_IMAGES]: async () => webImagesAnswer(reply, P),
};

// Requests from the panel (an extension page, so of this worker's own origin), each answered
// on the port it brings.
self.addEventListener('message', (event) => {
  const port = event.ports?.[0];
  if (!port || event.origin !== self.location.origin || !P.isOf(event.data, 'background')) return;
  const handler = requestHandlers[event.data.type];
  const verified = isVerifiedPanel(event.data.token, event.source?.id);
  const answered = verified.then((isPanel) => {
    if (!isPanel) throw new Error(`${event.data.type}: not a verified photolift panel`);
    return handler ? handler(event) : Promise.reject(new Error(`unknown request ${event.data.type}`));
  }).then(
    (answer) => port.postMessage(answer),
    (error) => port.postMessage(reply(P.FromBackground.ERROR, { message: String(error?.message ?? error) })),
  );
  event.waitUntil?.(answered);
});

// The toolbar badge and system notifications (news.js), for a verified panel's tab: by
// extension messaging (its sender names the tab), or posted to this worker (its token does).
const NEWS = {
  [P.ToBackground.SET_BADGE]: newsRequests[P.ToBackground.SET_BADGE],
  [P.ToBackground.NOTIFY]: newsRequests[P.ToBackground.NOTIFY],
  [P.ToBackground.WITHDRAW_NOTIFICATION]: newsRequests[P.ToBackground.WITHDRAW_NOTIFICATION],
};
for (const [type, apply] of Object.entries(NEWS)) {
  senderHandlers[type] = async (message, sender) => {
    const tabId = isPanelSender(sender) ? sender.tab.id : null;
    if (tabId === null || !await isVerifiedPanel(message.token, `panel-in-tab:${tabId}`)) throw new Error(`${type}: not a verified photolift panel`);
    await apply(message, tabId);
    return reply(P.FromBackground.DONE);
  };
  requestHandlers[type] = async (event) => {
    const tabId = await panelTab(event.data.token);
    if (tabId === null) throw new Error(`${type}: the panel's tab is unknown`);
    await apply(event.data, tabId);
    return reply(P.FromBackground.DONE);
  };
}
const newsActions = { showPanel, openPhotos };
listenForNews(newsActions);
// Tests run the very handler a click on a notification runs (the notification is outside the page).
globalThis.photoliftNotificationClicked = (id) => notificationClicked(id, newsActions);
