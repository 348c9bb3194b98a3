// The content script: glue between the photolift panel (an extension page in an iframe, where the
// WASM runs) and the iCloud Photos page. It injects the panel once the tab shows iCloud Photos
// (also when the user arrives there by an in-page URL change), receives files over a MessagePort
// (converted JPEGs as transferred ArrayBuffers, never copied through chrome.runtime; a file that goes
// up unchanged as the user's own File, a handle whose bytes are never read here), hands them to the
// page's own upload input in batches, and passes on what the page did with each file (judged by
// the upload tracker from the page observer's reports).
// Every fact about the page comes from the adapter, PhotoliftICloud (icloud.js).
'use strict';

(() => {
  const site = globalThis.PhotoliftICloud;
  const P = globalThis.PhotoliftProtocol;
  // Only the top frame hosts the panel; the app frame is reached from here (it is same-origin).
  if (window !== window.top) return;

  const PANEL_ID = 'photolift-panel';
  // With use_dynamic_url Chromium gives a per-session URL (no fixed address for a page to frame)
  // but serves the document from the extension's own origin (measured); Firefox's URL already
  // is per-install. The panel's origin is either.
  const panelUrl = chrome.runtime.getURL('panel.html');
  const panelOrigins = [new URL(panelUrl).origin, `${new URL(panelUrl).protocol}//${chrome.runtime.id}`];

  let iframe = null;
  let port = null;
  let lastStatus = '';
  // A status the page's traffic revealed (its code is out of date, web access is off): it holds
  // until this page is loaded again.
  let learnedStatus = '';

  const send = (type, fields = {}, transfer = []) => {
    if (port) port.postMessage(P.message('page', type, fields), transfer);
  };

  const tracker = globalThis.PhotoliftUploadTracker.create({
    site,
    protocol: P,
    send,
    now: () => Date.now(),
    onPageStatus: (status) => { learnedStatus = status; reportStatus(); },
    describePage: () => ({
      checks: site.pageChecks(document),
      extensionVersion: chrome.runtime.getManifest().version,
      browser: navigator.userAgent,
    }),
  });
  // A reload or a navigation ends the page's requests: what that seems to say of the files is not
  // a verdict (see the tracker's LEAVING_HOLD_MS).
  window.addEventListener('beforeunload', () => tracker.leaving());
  window.addEventListener('pagehide', (event) => { if (!event.persisted) tracker.gone(); });

  // The tab may show the iCloud home page first and reach Photos by an in-page URL change.
  const waitForPhotos = setInterval(() => {
    if (site.isPhotosPage()) {
      clearInterval(waitForPhotos);
      start();
    }
  }, 500);

  function start() {
    if (document.getElementById(PANEL_ID)) return;
    iframe = document.createElement('iframe');
    iframe.id = PANEL_ID;
    iframe.src = panelUrl;
    iframe.title = 'photolift';
    // "Copy diagnostics" writes to the clipboard from the panel frame.
    iframe.allow = 'clipboard-write';
    Object.assign(iframe.style, {
      position: 'fixed', border: '0', borderRadius: '14px', zIndex: '2147483647', margin: '0',
      boxShadow: '0 8px 32px rgba(0,0,0,.25)', background: 'transparent', colorScheme: 'normal',
    });
    placePanel();
    (document.body || document.documentElement).appendChild(iframe);
    setInterval(reportStatus, 1000);
    setInterval(() => tracker.tick(), 500);
    setInterval(avoidPageProgress, 500);
    window.addEventListener('resize', placePanel);
    // The panel says when the pointer comes and goes (PointerOver); a leave lost on the way is
    // mended by the next move over the page.
    document.addEventListener('mouseover', (event) => {
      if (pointerInside && event.target !== iframe) setPointerInside(false);
    }, true);
    chrome.storage.local.get(LAYOUT_KEY).then((stored) => {
      const saved = stored?.[LAYOUT_KEY];
      if (saved && ['left', 'top', 'width', 'height'].every((k) => Number.isFinite(saved[k]))) layout = saved;
      placePanel();
    }).catch(() => {});
  }

  // ---- where the panel is ------------------------------------------------------------------------
  // The user drags the panel by its bar, resizes it by its corner grip (or uses the arrow keys on
  // either), or clicks the move handle to send it to the next corner; the panel says so over the
  // port and this places the frame. Where the user put it is remembered in extension storage.
  // Until then it sits in the bottom right corner, narrower in a narrow window. It never covers
  // the page's own upload progress (the adapter says where that is): it steps aside while that
  // shows, but never while the pointer is over it (a button must not jump from under a click):
  // then it steps aside when the pointer leaves. Collapsed it is a pill in the panel's bottom
  // right corner.
  const LAYOUT_KEY = 'photolift.panelLayout';
  const MARGIN = 16;
  const MIN_WIDTH = 280;
  const MIN_HEIGHT = 220;
  const PILL = { width: 240, height: 44 };
  let layout = null; // {left, top, width, height} once the user moved or resized the panel
  let expanded = true;
  let pageProgress = null; // the page's own upload progress, in this window's coordinates
  let pointerInside = false; // over the panel: it keeps still
  let saveTimer = 0;

  const clamp = (value, low, high) => Math.max(low, Math.min(high, value));

  /** The panel's box (expanded), kept inside the window. */
  function panelBox() {
    const maxWidth = Math.max(MIN_WIDTH, innerWidth - 2 * 8);
    const maxHeight = Math.max(MIN_HEIGHT, innerHeight - 2 * 8);
    // A narrow window gets a narrow panel: about a third of its width, 280 to 400 px.
    const width = clamp(layout ? layout.width : clamp(Math.round(innerWidth * 0.34), MIN_WIDTH, 400), MIN_WIDTH, maxWidth);
    const height = clamp(layout ? layout.height : 580, MIN_HEIGHT, Math.min(maxHeight, innerHeight - 2 * MARGIN));
    const left = layout ? layout.left : innerWidth - width - MARGIN;
    const top = layout ? layout.top : innerHeight - height - MARGIN;
    return {
      left: clamp(left, 0, Math.max(0, innerWidth - width)),
      top: clamp(top, 0, Math.max(0, innerHeight - height)),
      width, height,
    };
  }

  const overlaps = (a, b) => a.left < b.left + b.width && b.left < a.left + a.width &&
    a.top < b.top + b.height && b.top < a.top + a.height;
  const fits = (box) => box.left >= 0 && box.top >= 0 && box.left + box.width <= innerWidth &&
    box.top + box.height <= innerHeight;

  /** `box` moved beside `avoid` (left of it, above, right, below: the first that fits). */
  function stepAside(box, avoid) {
    const gap = 8;
    const candidates = [
      { ...box, left: avoid.left - box.width - gap },
      { ...box, top: avoid.top - box.height - gap },
      { ...box, left: avoid.left + avoid.width + gap },
      { ...box, top: avoid.top + avoid.height + gap },
    ];
    return candidates.find((c) => fits(c) && !overlaps(c, avoid)) ?? box;
  }

  function placePanel() {
    if (!iframe) return;
    const panel = panelBox();
    let box = expanded ? panel : {
      left: panel.left + panel.width - PILL.width, top: panel.top + panel.height - PILL.height, ...PILL,
    };
    const snapped = Boolean(pageProgress && overlaps(box, pageProgress));
    if (snapped) box = stepAside(box, pageProgress);
    Object.assign(iframe.style, {
      left: `${Math.round(box.left)}px`, top: `${Math.round(box.top)}px`, right: 'auto', bottom: 'auto',
      width: `${Math.round(box.width)}px`, height: `${Math.round(box.height)}px`,
      borderRadius: expanded ? '14px' : '999px',
    });
    iframe.dataset.expanded = String(expanded);
    iframe.dataset.snapped = String(snapped);
  }

  function remember(next) {
    layout = next;
    placePanel();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      chrome.storage.local.set({ [LAYOUT_KEY]: layout }).catch((error) => console.warn('photolift:', error));
    }, 300);
  }

  function movePanel({ dx, dy }) {
    const box = panelBox();
    remember({ ...box, left: box.left + Number(dx || 0), top: box.top + Number(dy || 0) });
  }

  function resizePanel({ dw, dh }) {
    const box = panelBox();
    remember({ ...box, width: Math.max(MIN_WIDTH, box.width + Number(dw || 0)),
      height: Math.max(MIN_HEIGHT, box.height + Number(dh || 0)) });
  }

  // The next corner, clockwise: bottom right → bottom left → top left → top right.
  function dockPanel() {
    const box = panelBox();
    const right = box.left + box.width / 2 > innerWidth / 2;
    const bottom = box.top + box.height / 2 > innerHeight / 2;
    const [toRight, toBottom] = right && bottom ? [false, true] : !right && bottom ? [false, false]
      : !right && !bottom ? [true, false] : [true, true];
    remember({
      ...box,
      left: toRight ? innerWidth - box.width - MARGIN : MARGIN,
      top: toBottom ? innerHeight - box.height - MARGIN : MARGIN,
    });
  }

  /** The pointer came over the panel (it keeps still, `data-pointer=inside`) or left it. */
  function setPointerInside(inside) {
    pointerInside = inside;
    if (iframe) iframe.dataset.pointer = inside ? 'inside' : 'outside';
    if (!inside) avoidPageProgress();
  }

  function avoidPageProgress() {
    const rect = site.uploadProgressRect(document);
    const same = (a, b) => (!a && !b) || (a && b && ['left', 'top', 'width', 'height'].every((k) => Math.abs(a[k] - b[k]) < 1));
    if (pointerInside || same(rect, pageProgress)) return;
    pageProgress = rect;
    placePanel();
  }

  // The panel says when its WASM is listening (its load event fires before that); each time it
  // does (also after it reloads) it gets a fresh port.
  window.addEventListener('message', (event) => {
    if (iframe && event.source === iframe.contentWindow && panelOrigins.includes(event.origin) &&
      P.isOf(event.data, 'page') && event.data.type === P.ToPage.PANEL_READY) {
      connectPanel(event.origin).catch((error) => console.warn('photolift:', error));
    }
  });

  // The one authenticated channel: the panel's frame and a per-load secret go to the background
  // by extension messaging, which the page cannot see; the secret goes to the panel only with the
  // port, posted to the extension's origin. The panel uses the port only once the background has
  // verified that secret for its frame, so a port or a frame of the page's own gets nothing.
  async function connectPanel(panelOrigin) {
    const panelWindow = iframe.contentWindow;
    const secret = randomSecret();
    const registered = await chrome.runtime.sendMessage(P.message('background', P.ToBackground.REGISTER_PANEL, {
      frameId: chrome.runtime.getFrameId?.(iframe) ?? -1, secret,
    }));
    if (!P.isOf(registered, 'background') || registered.type !== P.FromBackground.DONE) {
      throw new Error(`the panel could not be registered: ${registered?.message ?? 'no answer'}`);
    }
    if (iframe.contentWindow !== panelWindow) return;
    if (port) port.close();
    const channel = new MessageChannel();
    port = channel.port1;
    port.onmessage = (event) => onPanelMessage(event.data).catch((error) => console.warn('photolift:', error));
    lastStatus = '';
    panelWindow.postMessage(P.message('page', P.FromPage.CONNECT, { secret }), panelOrigin, [channel.port2]);
    reportStatus();
  }

  function randomSecret() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function setExpanded(open) {
    expanded = open;
    placePanel();
  }

  chrome.runtime.onMessage.addListener((message) => {
    if (message && message.type === 'show-panel' && iframe) {
      setExpanded(true);
      send(P.FromPage.SHOW);
    }
  });

  const panelHandlers = {
    [P.ToPage.PANEL_READY]: () => {}, // comes by window message, answered there
    [P.ToPage.HELLO]: () => reportStatus(true),
    [P.ToPage.SET_EXPANDED]: (message) => setExpanded(Boolean(message.expanded)),
    [P.ToPage.SET_TITLE]: (message) => showProgressInTitle(message.title),
    [P.ToPage.UPLOAD_BATCH]: (message) => handOver(message),
    [P.ToPage.MOVE_PANEL]: (message) => movePanel(message),
    [P.ToPage.RESIZE_PANEL]: (message) => resizePanel(message),
    [P.ToPage.DOCK_PANEL]: () => dockPanel(),
    [P.ToPage.POINTER_OVER]: (message) => {
      setPointerInside(Boolean(message.inside));
    },
  };

  async function onPanelMessage(message) {
    const handler = P.isOf(message, 'page') && panelHandlers[message.type];
    if (handler) await handler(message);
    else console.warn('photolift: unknown panel message', message);
  }

  // The tab title shows progress ("↑ 12/40 iCloud Photos") while an upload runs.
  let pageTitle = null;
  function showProgressInTitle(progress) {
    if (pageTitle === null) pageTitle = document.title;
    document.title = progress ? `${progress} ${pageTitle}` : pageTitle;
    if (!progress) pageTitle = null;
  }

  // The Photos app is there, signed in, yet shows no upload control photolift knows (no Upload
  // button, no Library to open) for this long: the page has changed, not loaded slowly.
  const NO_UPLOAD_CONTROL_MS = 40_000;
  let withoutUploadControlSince = 0;
  let noInputSince = 0;

  function checkUploadControl(status) {
    const appShown = status === P.PageStatus.LOADING && site.findAppDocument(document);
    if (!appShown) {
      withoutUploadControlSince = 0;
    } else if (!withoutUploadControlSince) {
      withoutUploadControlSince = Date.now();
    } else if (Date.now() - withoutUploadControlSince > NO_UPLOAD_CONTROL_MS && !tracker.hasChanged) {
      tracker.pageChanged('the Photos app shows no upload control photolift knows');
    }
  }

  function reportStatus(force = false) {
    const status = learnedStatus || site.pageStatus(document);
    checkUploadControl(status);
    if (force || status !== lastStatus) {
      // The session ended or the app went away (reloading): its uploads in flight died with it.
      // An app that is still there (another view, a toolbar re-rendering) goes on uploading.
      const sessionGone = status === P.PageStatus.SIGNED_OUT || status === P.PageStatus.NO_WEB_ACCESS;
      if (sessionGone || !site.findAppDocument(document)) tracker.abandon();
      lastStatus = status;
      send(P.FromPage.PAGE_STATUS, { status });
    }
  }

  async function handOver({ batch, files, buffers }) {
    // Timing marks for tests/bench/pipeline.mjs (the page's performance timeline).
    performance.mark(`photolift:handover:${batch}`);
    const refuse = (status) => send(P.FromPage.BATCH_REFUSED, { batch, status });
    if (tracker.hasChanged) return refuse('page-changed');
    const appDoc = site.findAppDocument(document);
    const status = learnedStatus || site.pageStatus(document);
    if (!appDoc || (status !== P.PageStatus.READY && status !== P.PageStatus.OTHER_VIEW)) return refuse(status);
    const input = await uploadInput(appDoc);
    if (!input) {
      // An Upload button that never gives a file input is no upload control either.
      noInputSince ||= Date.now();
      if (Date.now() - noInputSince > NO_UPLOAD_CONTROL_MS) tracker.pageChanged('the Upload button gives no file input');
      return refuse('no-input');
    }
    noInputSince = 0;
    const appWindow = appDoc.defaultView;
    const transfer = new appWindow.DataTransfer();
    const handed = files.map((meta, i) => {
      // buffers[i] is a Blob (a converted JPEG) or the original File; a File made from a Blob
      // refers to the same bytes, it does not copy them.
      const file = new appWindow.File([buffers[i]], meta.name, { type: meta.mediaType, lastModified: meta.lastModified });
      transfer.items.add(file);
      return { id: meta.id, batch, name: file.name, lastModified: file.lastModified, size: file.size };
    });
    tracker.handed(batch, handed);
    input.files = transfer.files;
    // The page's framework listens for bubbling input/change events; these are untrusted, which React accepts.
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    send(P.FromPage.BATCH_HANDED, { batch });
    performance.mark(`photolift:handed:${batch}`);
    return undefined;
  }

  // The page's upload input, mounted by a click on its Upload button (opening the Library first
  // when the app shows another view).
  async function uploadInput(appDoc) {
    const existing = site.findUploadInput(appDoc);
    if (existing) return existing;
    let button = site.findUploadButton(appDoc);
    if (!button) {
      const library = site.findLibraryLink(appDoc);
      if (library) {
        library.click();
        button = await waitFor(() => site.findUploadButton(appDoc), 5000);
      }
    }
    if (!button) return null;
    await suppressNextPicker(appDoc.defaultView);
    button.click();
    return waitFor(() => site.findUploadInput(appDoc), 5000);
  }

  function suppressNextPicker(appWindow) {
    const token = Math.random().toString(36).slice(2);
    return new Promise((resolve) => {
      const onMessage = (event) => {
        if (event.source === appWindow && P.isOf(event.data, 'observer') &&
          event.data.type === P.FromObserver.PICKER_SUPPRESSED && event.data.token === token) {
          window.removeEventListener('message', onMessage);
          resolve(true);
        }
      };
      window.addEventListener('message', onMessage);
      appWindow.postMessage(P.message('observer', P.ToObserver.SUPPRESS_NEXT_PICKER, { token }), location.origin);
      // Without the observer (not injected yet) we still go on: at worst the chooser opens.
      setTimeout(() => { window.removeEventListener('message', onMessage); resolve(false); }, 1000);
    });
  }

  function waitFor(find, timeoutMs) {
    return new Promise((resolve) => {
      const started = Date.now();
      const tick = () => {
        const found = find();
        if (found || Date.now() - started > timeoutMs) resolve(found || null);
        else setTimeout(tick, 50);
      };
      tick();
    });
  }

  // What the page's own requests did, as the page observer in an app frame saw them. Only an
  // app frame's own window may report: any other window's messages are not the page's traffic.
  const frameNumbers = new WeakMap();
  let nextFrame = 1;
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || !P.isOf(event.data, 'observer') || !event.source ||
      !site.isAppWindow(event.source)) return;
    if (!frameNumbers.has(event.source)) frameNumbers.set(event.source, nextFrame++);
    tracker.observe(frameNumbers.get(event.source), event.data);
  });
})();
