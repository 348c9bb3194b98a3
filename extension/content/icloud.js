// THE iCloud site adapter: every selector and every fact about the iCloud Photos page lives here.
// The day Apple changes the page, this is the only file that changes.
//
// Known shape (see DESIGN.md §2): https://www.icloud.com/photos/ is a shell; the Photos app runs in a
// same-origin child iframe under /applications/photos3/current/<lang>/index.html (older: /photos/).
// Labels are localised, so we match on several markers, never one English string.
'use strict';

globalThis.PhotoliftICloud = (() => {
  const APP_FRAME_PATH = /\/applications\/photos\d*\//;

  // Markers of the Photos app's root container (any one is enough).
  const APP_ROOT = '[class*="PhotosRootContent"], [class*="PhotosApp"], ui-main-pane';

  // The toolbar's upload button: Apple's own class first, then by label in several languages.
  const UPLOAD_BUTTON_CLASSES = 'ui-button.UploadButton, [class*="UploadButton"]';
  const UPLOAD_LABELS = ['upload', '上传', '上載', '上傳', 'アップロード', 'hochladen', 'importer', 'télécharger',
    'subir', 'carica', 'uploaden', 'enviar', 'ladda upp', '업로드', 'загрузить'];

  // Signs of the signed-out view: Apple's sign-in widget iframe, or a sign-in form/heading.
  const SIGN_IN_MARKERS = '#aid-auth-widget-iFrame, iframe[src*="idmsa.apple.com"], [class*="SignIn"], ' +
    '[data-testid="sign-in"], .sign-in-view';

  // Advanced Data Protection with web access off shows an explanation instead of the app. The
  // setting is "Access iCloud Data on the Web" before iOS/macOS 26.4, "Allow Data Access" (under
  // iCloud.com) since (Apple support article 102630).
  const NO_WEB_ACCESS_TEXT = /access icloud data on the web|allow data access|data access on icloud\.com|web access (is )?(turned )?off|advanced data protection/i;

  // Error toasts the app shows for refused files.
  const ERROR_TOASTS = '[role="alert"], [class*="Toast"], [class*="toast"]';

  function isPhotosPage(loc = location) {
    return /^\/photos\b/.test(loc.pathname) || APP_FRAME_PATH.test(loc.pathname);
  }

  // The document that holds the Photos app: this one, or a same-origin child frame.
  function findAppDocument(doc = document) {
    if (doc.querySelector(APP_ROOT) || APP_FRAME_PATH.test(doc.location.pathname)) return doc;
    for (const frame of doc.querySelectorAll('iframe')) {
      let src = '';
      try { src = new URL(frame.src, doc.baseURI).pathname; } catch { continue; }
      if (!APP_FRAME_PATH.test(src)) continue;
      try {
        const inner = frame.contentDocument;
        if (inner && inner.readyState !== 'loading' && inner.querySelector(APP_ROOT)) return inner;
      } catch { /* cross-origin: not the app */ }
    }
    return null;
  }

  function findUploadButton(appDoc) {
    const byClass = appDoc.querySelector(UPLOAD_BUTTON_CLASSES);
    if (byClass) return byClass;
    for (const el of appDoc.querySelectorAll('[role="button"], button, ui-button')) {
      const label = `${el.getAttribute('aria-label') || ''} ${el.getAttribute('title') || ''}`.toLowerCase();
      if (UPLOAD_LABELS.some((word) => label.includes(word))) return el;
    }
    return null;
  }

  // The app's own file input; it may be mounted only after the upload button is clicked.
  function findUploadInput(appDoc) {
    const inputs = [...appDoc.querySelectorAll('input[type="file"]')];
    return inputs.find((i) => /jpe?g|image/i.test(i.accept || '')) || inputs[0] || null;
  }

  // 'ready' | 'signed-out' | 'no-web-access' | 'loading'
  function pageStatus(topDoc = document) {
    if (topDoc.querySelector(SIGN_IN_MARKERS)) return 'signed-out';
    const appDoc = findAppDocument(topDoc);
    if (appDoc && appDoc.querySelector(SIGN_IN_MARKERS)) return 'signed-out';
    // A working app wins over words on the page (a page may mention the setting anywhere).
    if (appDoc && findUploadButton(appDoc)) return 'ready';
    if (NO_WEB_ACCESS_TEXT.test((appDoc || topDoc).body?.innerText?.slice(0, 4000) || '')) return 'no-web-access';
    return 'loading';
  }

  // Texts of the error toasts now shown by the app.
  function errorToastTexts(appDoc) {
    return [...appDoc.querySelectorAll(ERROR_TOASTS)].map((el) => el.textContent.trim()).filter(Boolean);
  }

  // Only these page origins may talk to our panel.
  const PAGE_ORIGINS = ['https://www.icloud.com', 'https://www.icloud.com.cn'];
  const PHOTOS_URL = 'https://www.icloud.com/photos/';
  const PHOTOS_TAB_PATTERNS = ['https://www.icloud.com/photos*', 'https://www.icloud.com.cn/photos*'];

  return {
    isPhotosPage, findAppDocument, findUploadButton, findUploadInput, pageStatus, errorToastTexts,
    PAGE_ORIGINS, PHOTOS_URL, PHOTOS_TAB_PATTERNS,
  };
})();
