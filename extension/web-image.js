// Right-click "Upload to iCloud Photos" on an image of any web page. Glue the extension API
// forces; what to make of the image (its name, its date, whether it is an image at all) is decided
// by the panel (src/panel_model/web_image.rs).
//
// 1. The menu click asks for the permission to read that image's origin (an optional host
//    permission: none is granted at install). Firefox and Chromium both count a menu click as a
//    user gesture, so the browser asks at once; where the request is refused for want of one
//    anyway (the handler run without a click, as the tests run it), a small extension page
//    (web-image.html) asks with a button, and the image is fetched when the permission arrives.
// 2. The image is fetched (only this address, only now) and kept, with the page's address, its
//    HTTP status, type and Last-Modified and the moment of the click, in the extension's own
//    IndexedDB.
// 3. iCloud Photos is focused or opened (the toolbar's openPhotos); its panel takes the kept
//    images (`take-web-images`), each once, and uploads them like picked files.

const MENU_ID = 'photolift-upload-image';
const DATABASE = 'photolift-web-images';
const STORE = 'images';
// Images waiting for the permission to read their origin (the ask page is open).
const PENDING_KEY = 'photolift.webImagesPending';

/** The match pattern of the origin `url` is on (`https://cdn.example/*`); null for data: and blob:. */
export function originPattern(url) {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || protocol === 'http:' ? `${protocol}//${hostname}/*` : null;
}

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inTransaction(mode, work) {
  const db = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      let value;
      const transaction = db.transaction(STORE, mode);
      work(transaction.objectStore(STORE), (v) => { value = v; });
      transaction.oncomplete = () => resolve(value);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
    });
  } finally {
    db.close();
  }
}

/** Every kept image, removed in the same transaction: each goes to one panel, once. */
export function takeWebImages() {
  return inTransaction('readwrite', (store, set) => {
    const read = store.getAll();
    read.onsuccess = () => {
      set(read.result);
      store.clear();
    };
  });
}

/** Fetches the image and keeps what the panel needs; the fetch's failure is kept too (the panel says it). */
async function fetchAndKeep({ srcUrl, pageUrl, chosenMs }) {
  let kept = { srcUrl, pageUrl: pageUrl ?? '', status: 0, mediaType: '', lastModifiedMs: null, chosenMs, bytes: null };
  try {
    const response = await fetch(srcUrl, { credentials: 'include', cache: 'no-cache' });
    const modified = Date.parse(response.headers.get('last-modified') ?? '');
    kept = {
      ...kept,
      status: response.status,
      mediaType: response.headers.get('content-type') ?? '',
      lastModifiedMs: Number.isFinite(modified) ? modified : null,
      bytes: response.ok ? await response.arrayBuffer() : null,
    };
  } catch (error) {
    console.warn('photolift: fetching the image failed', error);
  }
  await inTransaction('readwrite', (store) => store.add(kept));
}

async function pending() {
  return (await chrome.storage.session.get(PENDING_KEY))[PENDING_KEY] ?? [];
}

export function installWebImageMenu({ openPhotos }) {
  async function upload(choice) {
    await fetchAndKeep(choice);
    await openPhotos();
  }

  async function askWithPage(choice, pattern) {
    await chrome.storage.session.set({ [PENDING_KEY]: [...await pending(), { ...choice, pattern }] });
    const url = chrome.runtime.getURL(`web-image.html?origin=${encodeURIComponent(pattern)}`);
    await chrome.windows.create({ url, type: 'popup', width: 460, height: 300 });
  }

  /** What a click on the menu item runs (also run by the tests: a native menu cannot be clicked). */
  function uploadImage({ srcUrl, pageUrl }) {
    const choice = { srcUrl, pageUrl, chosenMs: Date.now() };
    const pattern = originPattern(srcUrl);
    if (!pattern) return upload(choice);
    // Called at once, not after an await: Firefox honours the menu click as a user action only
    // while its handler runs. Already granted: it answers true without asking.
    return chrome.permissions.request({ origins: [pattern] }).then(
      (granted) => (granted ? upload(choice) : undefined),
      async () => {
        if (await chrome.permissions.contains({ origins: [pattern] })) return upload(choice);
        return askWithPage(choice, pattern);
      },
    );
  }

  // The ask page got the permission: fetch what waited for it.
  chrome.permissions.onAdded.addListener(async ({ origins = [] }) => {
    const waiting = await pending();
    const now = waiting.filter((choice) => origins.includes(choice.pattern));
    if (now.length === 0) return;
    await chrome.storage.session.set({ [PENDING_KEY]: waiting.filter((choice) => !now.includes(choice)) });
    for (const choice of now) await upload(choice).catch((error) => console.warn('photolift:', error));
  });

  const createMenu = () => chrome.contextMenus.create(
    { id: MENU_ID, title: chrome.i18n.getMessage('menu_upload_image'), contexts: ['image'] },
    () => void chrome.runtime.lastError,
  );
  chrome.runtime.onInstalled.addListener(createMenu);
  chrome.runtime.onStartup?.addListener(createMenu);
  chrome.contextMenus.onClicked.addListener((info) => {
    if (info.menuItemId !== MENU_ID || !info.srcUrl) return;
    uploadImage(info).catch((error) => console.warn('photolift:', error));
  });
  return uploadImage;
}

/** The `web-images` answer: the images' fields, and their bytes beside as `buffers`. */
export async function webImagesAnswer(reply, P) {
  const images = await takeWebImages();
  const answer = reply(P.FromBackground.WEB_IMAGES, {
    images: images.map(({ bytes, ...fields }) => fields),
  });
  answer.buffers = images.map(({ bytes }) => bytes ?? null);
  return answer;
}
