// The background service worker: the toolbar button (and its keyboard shortcut) focuses an open
// iCloud Photos tab or opens one, and shows the photolift panel there.
import './content/icloud.js';
import './handle-store.js';
import './panel-turn.js';

const site = globalThis.PhotoliftICloud;

async function showPanel(tabId) {
  // The content script may still be starting in a fresh tab; it shows the panel on its own then.
  try {
    await chrome.tabs.sendMessage(tabId, { type: 'show-panel' });
  } catch {
    /* no content script yet: the panel opens with the page */
  }
}

export async function openPhotos() {
  const [tab] = await chrome.tabs.query({ url: site.PHOTOS_TAB_PATTERNS });
  if (tab) {
    await chrome.tabs.update(tab.id, { active: true });
    await chrome.windows.update(tab.windowId, { focused: true });
    await showPanel(tab.id);
    return tab.id;
  }
  const created = await chrome.tabs.create({ url: site.PHOTOS_URL, active: true });
  return created.id;
}

chrome.action.onClicked.addListener(() => {
  openPhotos().catch((error) => console.warn('photolift:', error));
});

// Tests drive the same code the toolbar click runs (the toolbar itself is outside the page).
globalThis.photoliftOpenPhotos = openPhotos;
