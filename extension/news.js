// Word for a user who is elsewhere: the toolbar badge and system notifications. The panel decides
// what to show and in which words (src/panel_model/news.rs, src/web/panel/news.rs); this only
// applies it with the extension APIs, which a frame inside icloud.com does not have:
// - the badge (`chrome.action`, in Chromium and Firefox alike), taken away when the tab of the
//   panel that set it closes, and a result (`untilSeen`) when the user comes to that tab;
// - one notification per tab, shown only when the user is not looking at that tab (it is not the
//   active tab of the focused window), taken away when they come to it; a click on it brings the
//   tab, its window and the panel forward.
// "Comes to the tab": it becomes the active tab of the focused window (tabs.onActivated,
// windows.onFocusChanged), which the panel's own page cannot tell reliably (a tab in a window
// behind another stays "visible").
// Listeners are added when the background starts (Firefox wakes its event page for them).

const P = globalThis.PhotoliftProtocol;
const ID_PREFIX = 'photolift-tab-';
// Which tab's panel set the badge, and whether it goes once seen ({tabId, untilSeen}; in
// storage.session: the worker or event page may be stopped).
const BADGE_KEY = 'photolift.badge';

const notificationId = (tabId) => `${ID_PREFIX}${tabId}`;

/** Whether the user is looking at `tabId`: the active tab of the focused, not minimised, window. */
async function lookingAt(tabId) {
  const tab = await chrome.tabs.get(tabId).catch(() => null);
  if (!tab?.active) return false;
  const window = await chrome.windows.get(tab.windowId).catch(() => null);
  return Boolean(window?.focused) && window.state !== 'minimized';
}

async function setBadge(tabId, { text, color, title, untilSeen }) {
  await chrome.action.setBadgeText({ text });
  if (text) {
    await chrome.action.setBadgeBackgroundColor({ color });
    await chrome.action.setBadgeTextColor?.({ color: '#ffffff' });
  }
  await chrome.action.setTitle({ title });
  if (text) await chrome.storage.session.set({ [BADGE_KEY]: { tabId, untilSeen: Boolean(untilSeen) } });
  else await chrome.storage.session.remove(BADGE_KEY);
}

async function clearBadge() {
  await chrome.action.setBadgeText({ text: '' });
  await chrome.action.setTitle({ title: chrome.i18n.getMessage('action_title') });
  await chrome.storage.session.remove(BADGE_KEY);
}

/** The user came to `tabId` (closed: it is gone): its notification and result are seen. */
async function seen(tabId, { closed = false } = {}) {
  await chrome.notifications.clear(notificationId(tabId));
  const { [BADGE_KEY]: badge } = await chrome.storage.session.get(BADGE_KEY);
  if (badge?.tabId === tabId && (badge.untilSeen || closed)) await clearBadge();
}

async function notify(tabId, { title, message }) {
  if (await lookingAt(tabId)) return false;
  await chrome.notifications.create(notificationId(tabId), {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/128.png'),
    title,
    message,
  });
  return true;
}

/**
 * The click on a notification: its tab, window and panel come forward (or, the tab gone,
 * `openPhotos` opens iCloud Photos); the notification, and the result on the badge, are seen.
 */
export async function notificationClicked(id, { showPanel, openPhotos }) {
  if (!id.startsWith(ID_PREFIX)) return;
  const tabId = Number(id.slice(ID_PREFIX.length));
  const tab = await chrome.tabs.get(tabId).catch(() => null);
  if (tab) {
    await chrome.tabs.update(tab.id, { active: true });
    await chrome.windows.update(tab.windowId, { focused: true });
    await showPanel(tab.id);
    await seen(tab.id);
  } else {
    await openPhotos();
    await chrome.notifications.clear(id);
  }
}

/** The requests of a verified panel in tab `tabId`, by type. */
export const newsRequests = {
  [P.ToBackground.SET_BADGE]: (message, tabId) => setBadge(tabId, message),
  [P.ToBackground.NOTIFY]: (message, tabId) => notify(tabId, message),
  [P.ToBackground.WITHDRAW_NOTIFICATION]: (message, tabId) => chrome.notifications.clear(notificationId(tabId)),
};

/** Adds the listeners: a notification's click, the user coming to a tab, a tab closing. */
export function listenForNews({ showPanel, openPhotos }) {
  const warn = (error) => console.warn('photolift:', error);
  chrome.notifications.onClicked.addListener((id) => {
    notificationClicked(id, { showPanel, openPhotos }).catch(warn);
  });
  chrome.tabs.onActivated.addListener(({ tabId, windowId }) => {
    (async () => {
      const window = await chrome.windows.get(windowId);
      if (window.focused) await seen(tabId);
    })().catch(warn);
  });
  chrome.windows.onFocusChanged.addListener((windowId) => {
    if (windowId === chrome.windows.WINDOW_ID_NONE) return;
    (async () => {
      const [tab] = await chrome.tabs.query({ active: true, windowId });
      if (tab) await seen(tab.id);
    })().catch(warn);
  });
  chrome.tabs.onRemoved.addListener((tabId) => {
    seen(tabId, { closed: true }).catch(warn);
  });
}
