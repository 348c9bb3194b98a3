// THE iCloud site adapter: every selector, every word and every fact about the iCloud Photos page
// and its upload traffic lives here. The day Apple changes the page, this is the file that changes.
//
// The page (as public captures and working userscripts show it):
// - https://www.icloud.com/photos/ (also icloud.com.cn) is a shell; the Photos app runs in a
//   same-origin child iframe under /applications/photos3/current/<lang>/index.html (older:
//   /applications/photos/). The shell may create that frame first and navigate it afterwards, and
//   a user may arrive from the iCloud home page by an in-page URL change.
// - The app is React with Apple's own ui-* elements. The toolbar's Upload button (2025:
//   `ui-button.push.primary.PhotosButton.ToolbarButton.AppToolbarButton.UploadButton`) mounts a
//   hidden <input type=file multiple> when clicked. Labels are localised: we match several markers,
//   never one English string, and never a Cancel or Download button.
// - Only the Library view has Upload; Albums and Memories do not.
//
// How the page uploads since 2026-08-25 (the single-POST host was withdrawn and answers 410 Gone),
// from public captures of icloud.com/photos confirmed against live accounts by an open-source
// iCloud client:
//   1. POST https://pNN-photosupload.icloud.com/photosupload/createUploadUrl
//        {"zoneName", "assets": {"<client uuid>": <size>}} → {"uploadUrls": {"<uuid>": "<content URL>"}}
//   2. POST https://<host>.icloud-content.com/…/singleFileUpload?…&uuid=<uuid>  (the bytes)
//        → {"singleFile": {…receipt…}}   Stored is NOT registered: progress only.
//   3. POST …/photosupload/putAsset {"files": [{"fileName", "lastModDate", …}]}
//        → a JSON array, one entry per file, in order: {"response": {"status", "isRetryable",
//        "errorMessage"}}. 200 registered, 409 "duplicate asset" (already there), ≥ 400 refused.
//        THIS entry decides a file's outcome.
//   4. POST …/photosupload/uploadStatus {"uploadJobIds"} → ingest progress.
// Unknown from the captures: how many files go in one putAsset, whether the bytes are sent as the
// File, a Blob slice or an ArrayBuffer, and from which realm (the page or one of its workers).
// Session expiry is answered 421 (and 401); 423 has been seen for Advanced Data Protection.
// The withdrawn flow: POST https://pNN-uploadimagews.icloud.com/upload?filename=…&lastModDate=…
// with the File as body, the outcome in the HTTP status (409: already there).
'use strict';

globalThis.PhotoliftICloud = (() => {
  // ---- where the app is ----------------------------------------------------------------------

  const APP_FRAME_PATH = /\/applications\/photos\d*\//;
  const APP_ROOT = '[class*="PhotosRootContent"], [class*="PhotosApp"], ui-main-pane';

  // ---- words (lower case; any one is enough) ---------------------------------------------------

  const UPLOAD_WORDS = ['upload', '上传', '上載', '上傳', 'アップロード', 'hochladen', 'importer', 'télécharger',
    'subir', 'carica', 'uploaden', 'enviar', 'ladda upp', '업로드', 'загрузить'];
  // French "Télécharger" alone is Download as often as Upload: such a label counts only when no
  // button says upload plainly ("Télécharger vers iCloud" does).
  const AMBIGUOUS_UPLOAD = /^\s*télécharger\s*$/;
  // A button whose label has one of these is never the Upload button ("Cancel upload",
  // "Annuler le téléchargement", a Download button: French "Télécharger" means both).
  const NOT_UPLOAD_WORDS = ['cancel', 'annuler', 'abbrechen', '取消', 'キャンセル', 'cancelar', 'annulla',
    'annuleren', 'avbryt', '취소', 'отмен', 'stop', 'download', 'herunterladen', 'ダウンロード', '下载', '下載',
    'descargar', 'scarica', 'baixar', 'depuis icloud', 'sélection'];
  const SIGN_IN_WORDS = ['sign in', 'anmelden', 'se connecter', 'connexion', '登录', '登入', 'サインイン',
    'iniciar sesión', 'accedi', 'inloggen', 'logga in', '로그인', 'войти'];
  const LIBRARY_WORDS = ['library', '图库', '圖庫', 'ライブラリ', 'mediathek', 'photothèque', 'bibliothèque',
    'biblioteca', 'libreria', 'bibliotheek', 'bibliotek', '보관함', 'медиатека'];

  // Apple's sign-in frame, or a sign-in view of the shell.
  const SIGN_IN_MARKERS = '#aid-auth-widget-iFrame, iframe[src*="idmsa.apple.com"], [class*="SignIn"], ' +
    '[data-testid="sign-in"], .sign-in-view';

  // Advanced Data Protection with web access off shows an explanation instead of the app. The
  // setting is "Access iCloud Data on the Web" before iOS/macOS 26.4, "Allow Data Access" since
  // (Apple support article 102630); the words below cover the languages the page is served in.
  const NO_WEB_ACCESS_TEXT = new RegExp([
    'access icloud data on the web', 'allow data access', 'data access on icloud\\.com',
    'web access (is )?(turned )?off', 'advanced data protection', 'erweiterter datenschutz',
    'datenzugriff', 'accès aux données', 'protection avancée des données', '高级数据保护', '数据访问',
    '高度なデータ保護', 'データへのアクセス',
  ].join('|'), 'i');

  const labelParts = (el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.textContent]
    .map((part) => (part || '').trim().toLowerCase()).filter(Boolean);
  const labelOf = (el) => labelParts(el).join(' ');
  const hasWord = (text, words) => words.some((word) => text.includes(word));
  const isUsable = (el) => !el.hidden && el.getAttribute('aria-disabled') !== 'true' && !el.disabled &&
    !el.closest('[hidden]') && el.getClientRects().length > 0;

  function isPhotosPage(loc = location) {
    return /^\/photos\b/.test(loc.pathname) || APP_FRAME_PATH.test(loc.pathname);
  }

  function isAppWindow(win) {
    try {
      return APP_FRAME_PATH.test(win.location.pathname);
    } catch {
      return false; // another origin
    }
  }

  // The document that holds the Photos app: this one, or a same-origin child frame. Judged by the
  // frame's document, not its src attribute: the shell may navigate a blank frame to the app.
  function findAppDocument(doc = document) {
    if (doc.querySelector(APP_ROOT) || APP_FRAME_PATH.test(doc.location.pathname)) return doc;
    for (const frame of doc.querySelectorAll('iframe')) {
      try {
        const inner = frame.contentDocument;
        if (inner && isAppWindow(inner.defaultView) && inner.readyState !== 'loading' &&
          inner.querySelector(APP_ROOT)) return inner;
      } catch { /* cross-origin: not the app */ }
    }
    return null;
  }

  const BUTTONS = '[role="button"], button, ui-button';

  // ---- the page's own upload progress ----------------------------------------------------------
  // While it uploads, the Photos app shows its own progress list, a card docked in the app's
  // bottom right corner (where photolift's panel sits by default). Its markup on the real site is
  // not known from the captures: these class markers are a guess to check against the live page
  // (the stand-in plays it as `.UploadProgress`). Found or not, nothing but the panel's position
  // depends on it.
  const UPLOAD_PROGRESS = '.UploadProgress, [class~="UploadProgressView"], [class~="upload-progress"], ' +
    '[class~="UploadStatusView"]';

  /** Where the page's own upload progress is, in `topDoc`'s window coordinates; null when not shown. */
  function uploadProgressRect(topDoc = document) {
    const appDoc = findAppDocument(topDoc);
    if (!appDoc) return null;
    const el = [...appDoc.querySelectorAll(UPLOAD_PROGRESS)].find((e) => !e.closest('[hidden]'));
    const rect = el?.getBoundingClientRect();
    if (!rect || rect.width < 1 || rect.height < 1) return null;
    let left = rect.left;
    let top = rect.top;
    if (appDoc !== topDoc) {
      const frame = [...topDoc.querySelectorAll('iframe')].find((f) => {
        try { return f.contentDocument === appDoc; } catch { return false; }
      });
      if (!frame) return null;
      const outer = frame.getBoundingClientRect();
      left += outer.left + frame.clientLeft;
      top += outer.top + frame.clientTop;
    }
    return { left, top, width: rect.width, height: rect.height };
  }

  function findUploadButton(appDoc) {
    const byClass = [...appDoc.querySelectorAll('ui-button.UploadButton, [class*="UploadButton"]')]
      .find((el) => !hasWord(labelOf(el), NOT_UPLOAD_WORDS));
    if (byClass) return byClass;
    const candidates = [...appDoc.querySelectorAll(BUTTONS)].filter((el) => {
      const label = labelOf(el);
      return hasWord(label, UPLOAD_WORDS) && !hasWord(label, NOT_UPLOAD_WORDS) && isUsable(el);
    });
    // Judged on the parts of the label that speak of uploading (an icon's text says nothing).
    const plain = candidates.filter((el) => !labelParts(el).filter((part) => hasWord(part, UPLOAD_WORDS))
      .every((part) => AMBIGUOUS_UPLOAD.test(part)));
    return plain[0] || (candidates.length === 1 ? candidates[0] : null);
  }

  // The app's own file input; it may be mounted only after the upload button is clicked.
  function findUploadInput(appDoc) {
    const inputs = [...appDoc.querySelectorAll('input[type="file"]')];
    return inputs.find((i) => /jpe?g|image/i.test(i.accept || '')) || inputs[0] || null;
  }

  // The sidebar's Library item, when the app shows another view (Albums, Memories).
  function findLibraryLink(appDoc) {
    const items = appDoc.querySelectorAll('nav a, nav [role="link"], nav button, nav [role="button"], ' +
      '[role="navigation"] a, [role="navigation"] [role="link"], [role="navigation"] button, ' +
      '[role="navigation"] [role="button"], [role="navigation"] [role="tab"]');
    return [...items].find((el) => hasWord(labelOf(el), LIBRARY_WORDS) && isUsable(el)) || null;
  }

  function showsSignIn(doc) {
    if (doc.querySelector(SIGN_IN_MARKERS)) return true;
    // Apple's landing shows only a Sign In button before its auth frame exists.
    return [...doc.querySelectorAll(BUTTONS)].some((el) => hasWord(labelOf(el), SIGN_IN_WORDS) && isUsable(el));
  }

  // 'ready' | 'signed-out' | 'no-web-access' | 'loading' | 'other-view'
  function pageStatus(topDoc = document) {
    const appDoc = findAppDocument(topDoc);
    if (!appDoc && showsSignIn(topDoc)) return 'signed-out';
    if (appDoc && appDoc.querySelector(SIGN_IN_MARKERS)) return 'signed-out';
    // A working app wins over words on the page (a page may mention the setting anywhere).
    if (appDoc && findUploadButton(appDoc)) return 'ready';
    if (appDoc && findLibraryLink(appDoc)) return 'other-view';
    if (NO_WEB_ACCESS_TEXT.test((appDoc || topDoc).body?.innerText?.slice(0, 4000) || '')) return 'no-web-access';
    return 'loading';
  }

  // What the adapter could find, for the diagnostics a user pastes into a bug report.
  function pageChecks(topDoc = document) {
    const appDoc = findAppDocument(topDoc);
    return [
      ['Photos page address', isPhotosPage(topDoc.location)],
      ['Photos app frame', Boolean(appDoc)],
      ['signed in', !showsSignIn(topDoc) && !(appDoc && appDoc.querySelector(SIGN_IN_MARKERS))],
      ['upload button', Boolean(appDoc && findUploadButton(appDoc))],
      ['upload input', Boolean(appDoc && findUploadInput(appDoc))],
      ['library grid', Boolean(appDoc && appDoc.querySelector('[role="grid"]'))],
    ].map(([name, passed]) => ({ name, passed }));
  }

  // ---- the upload traffic ----------------------------------------------------------------------

  const API_HOST = /^p\d+-photosupload\.icloud\.com(\.cn)?$/;
  const CONTENT_HOST = /\.icloud-content\.com(\.cn)?$/;
  const LEGACY_HOST = /^p\d+-uploadimagews\.icloud\.com(\.cn)?$/;

  // What a request of the page is: 'reserve' | 'bytes' | 'register' | 'status' | 'legacy' | ''.
  function classifyRequest(method, url) {
    let u;
    try { u = new URL(url, 'https://www.icloud.com/'); } catch { return ''; }
    if (String(method).toUpperCase() !== 'POST') return '';
    if (API_HOST.test(u.hostname)) {
      if (u.pathname.endsWith('/photosupload/createUploadUrl')) return 'reserve';
      if (u.pathname.endsWith('/photosupload/putAsset')) return 'register';
      if (u.pathname.endsWith('/photosupload/uploadStatus')) return 'status';
      return '';
    }
    if (CONTENT_HOST.test(u.hostname) && /singleFileUpload/.test(u.pathname)) return 'bytes';
    if (LEGACY_HOST.test(u.hostname) && u.pathname === '/upload') return 'legacy';
    return '';
  }

  // Requests whose bodies (request and answer) the content script must read to know outcomes.
  const carriesOutcomes = (kind) => kind === 'reserve' || kind === 'register';

  const parse = (text) => {
    try { return JSON.parse(text); } catch { return null; }
  };

  // createUploadUrl: [{uuid, size}] asked for, and the URL iCloud gave each.
  function readReservation(requestText, answerText) {
    const assets = parse(requestText)?.assets;
    const urls = parse(answerText)?.uploadUrls || {};
    if (!assets || typeof assets !== 'object') return null;
    return Object.entries(assets).map(([uuid, size]) => ({ uuid, size: Number(size), url: urls[uuid] || '' }));
  }

  // The client uuid a content-host URL carries.
  function uuidOfBytesUrl(url) {
    try { return new URL(url).searchParams.get('uuid') || ''; } catch { return ''; }
  }

  // putAsset's request: [{name, lastModified}] in order; null when it is not that shape.
  function readRegistrationRequest(requestText) {
    const files = parse(requestText)?.files;
    if (!Array.isArray(files)) return null;
    return files.map((f) => ({ name: String(f?.fileName ?? ''), lastModified: Number(f?.lastModDate) }));
  }

  // putAsset's answer: one entry per file, in the request's order; null when not that shape.
  function readRegistrationAnswer(answerText) {
    const entries = parse(answerText);
    return Array.isArray(entries) ? entries : null;
  }

  const SESSION_EXPIRED = [401, 421];
  const WEB_ACCESS_OFF = 423;

  // One registration entry → {outcome, status, message}; null when it is not a shape we know.
  function judgeRegistration(entry) {
    const response = entry?.response;
    const status = Number(response?.status);
    if (!response || !Number.isInteger(status)) return null;
    const message = typeof response.errorMessage === 'string' ? response.errorMessage : '';
    if (status >= 200 && status < 300) return { outcome: 'uploaded', status, message: '' };
    if (status === 409) return { outcome: 'already-there', status, message };
    if (SESSION_EXPIRED.includes(status)) return { outcome: 'signed-out', status, message };
    return { outcome: response.isRetryable ? 'failed' : 'refused', status, message };
  }

  // What a whole request's HTTP answer means for the files it carried: an outcome, or
  // 'no-web-access' (the account's web access is off: not the files' fault), or null: nothing
  // decided (a 2xx of a step that is not the last).
  function judgeAnswer(kind, status) {
    if (SESSION_EXPIRED.includes(status)) return 'signed-out';
    if (status === WEB_ACCESS_OFF) return 'no-web-access';
    if (kind === 'legacy') {
      if (status >= 200 && status < 300) return 'uploaded';
      if (status === 409) return 'already-there';
      if (status === 410) return 'outdated';
    }
    if (status >= 200 && status < 300) return null;
    if (status === 0 || status >= 500 || status === 408 || status === 429) return 'failed';
    return 'refused';
  }

  // A request as a bug report may show it: host and path only, id- or token-like segments masked.
  function describeForReport(url) {
    let u;
    try { u = new URL(url, 'https://www.icloud.com/'); } catch { return { host: '', path: '' }; }
    const path = u.pathname.split('/').map((segment) => {
      const looksLikeId = segment.length >= 12 && /\d/.test(segment) || segment.length >= 24;
      return looksLikeId ? '…' : segment;
    }).join('/');
    return { host: u.hostname, path };
  }

  // Page origins and URL patterns come from the manifest (its host permissions and content
  // script matches), so they are written in one place.
  function manifestFacts() {
    const manifest = globalThis.chrome?.runtime?.getManifest?.() || {};
    const hostPatterns = manifest.host_permissions || [];
    const origins = hostPatterns.map((p) => p.replace(/\/\*$/, ''));
    return {
      pageOrigins: origins,
      photosUrl: `${origins[0] || 'https://www.icloud.com'}/photos/`,
      photosTabPatterns: origins.map((o) => `${o}/photos*`),
    };
  }

  return {
    isPhotosPage, isAppWindow, findAppDocument, findUploadButton, findUploadInput, findLibraryLink,
    pageStatus, pageChecks, classifyRequest, carriesOutcomes, readReservation, uuidOfBytesUrl,
    readRegistrationRequest, readRegistrationAnswer, judgeRegistration, judgeAnswer, describeForReport,
    manifestFacts, uploadProgressRect, SESSION_EXPIRED,
  };
})();
