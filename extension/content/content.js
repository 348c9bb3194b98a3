// The content script: glue between the photolift panel (an extension page in an iframe, where the
// WASM runs) and the iCloud Photos page. It injects the panel, receives converted files over a
// MessagePort (ArrayBuffers transferred, never copied through chrome.runtime), hands them to the
// page's own upload input in batches, and reports what the page did with each file.
// Every fact about the page comes from the adapter, PhotoliftICloud (icloud.js).
'use strict';

(() => {
  const site = globalThis.PhotoliftICloud;
  // Only the top frame hosts the panel; the app frame is reached from here (it is same-origin).
  if (window !== window.top || !site.isPhotosPage() || document.getElementById('photolift-panel')) return;

  const PANEL_ID = 'photolift-panel';
  const NEVER_STARTED_MS = 20000;
  const panelUrl = chrome.runtime.getURL('panel.html');
  const panelOrigin = new URL(panelUrl).origin;

  let port = null;
  let lastStatus = '';
  // Files handed to the page and not yet resolved, by "name|size|lastModified" (what the page's
  // request carries), each a FIFO of {id, handedAt, started}.
  const pending = new Map();

  const iframe = document.createElement('iframe');
  iframe.id = PANEL_ID;
  iframe.src = panelUrl;
  iframe.title = 'photolift';
  iframe.allow = '';
  Object.assign(iframe.style, {
    position: 'fixed', right: '16px', bottom: '16px', width: '400px', height: '580px',
    maxHeight: 'calc(100vh - 32px)', border: '0', borderRadius: '14px', zIndex: '2147483647',
    boxShadow: '0 8px 32px rgba(0,0,0,.25)', background: 'transparent', colorScheme: 'normal',
  });
  (document.body || document.documentElement).appendChild(iframe);

  // The panel says when its WASM is listening (its load event fires before that); each time it
  // does (also after it reloads) it gets a fresh port.
  window.addEventListener('message', (event) => {
    if (event.source === iframe.contentWindow && event.origin === panelOrigin &&
      event.data && event.data.photolift === 'panel-ready') {
      connectPanel();
    }
  });

  function connectPanel() {
    if (port) port.close();
    const channel = new MessageChannel();
    port = channel.port1;
    port.onmessage = (event) => onPanelMessage(event.data).catch((error) => console.warn('photolift:', error));
    lastStatus = '';
    iframe.contentWindow.postMessage({ photolift: 'connect' }, panelOrigin, [channel.port2]);
    reportStatus();
  }

  function setExpanded(expanded) {
    iframe.style.height = expanded ? '580px' : '52px';
    iframe.style.width = expanded ? '400px' : '220px';
    iframe.dataset.expanded = String(expanded);
  }

  chrome.runtime.onMessage.addListener((message) => {
    if (message && message.type === 'show-panel') {
      setExpanded(true);
      send({ type: 'show' });
    }
  });

  function send(message, transfer = []) {
    if (port) port.postMessage(message, transfer);
  }

  async function onPanelMessage(message) {
    switch (message && message.type) {
      case 'hello': reportStatus(true); break;
      case 'set-expanded': setExpanded(Boolean(message.expanded)); break;
      case 'set-title': showProgressInTitle(message.title); break;
      case 'upload-batch': await handOver(message); break;
      default: console.warn('photolift: unknown panel message', message);
    }
  }

  // The tab title shows progress ("↑ 12/40 iCloud Photos") while an upload runs.
  let pageTitle = null;
  function showProgressInTitle(progress) {
    if (pageTitle === null) pageTitle = document.title;
    document.title = progress ? `${progress} ${pageTitle}` : pageTitle;
    if (!progress) pageTitle = null;
  }

  function reportStatus(force = false) {
    const status = site.pageStatus(document);
    if (force || status !== lastStatus) {
      if (status !== 'ready') abandonPending();
      lastStatus = status;
      send({ type: 'page-status', status });
    }
  }
  setInterval(reportStatus, 1000);

  // The app went away (signed out, reloading): its uploads in flight died with it. They are not
  // the files' fault; the panel sends them again once the page is back.
  function abandonPending() {
    for (const queue of pending.values()) {
      for (const entry of queue) send({ type: 'file-result', id: entry.id, outcome: 'signed-out', reason: '' });
    }
    pending.clear();
  }

  const keyOf = (name, size, lastModified) => `${name}|${size}|${lastModified}`;

  async function handOver({ batch, files, buffers }) {
    const appDoc = site.findAppDocument(document);
    const status = site.pageStatus(document);
    if (!appDoc || status !== 'ready') {
      send({ type: 'batch-refused', batch, status });
      return;
    }
    let input = site.findUploadInput(appDoc);
    if (!input) {
      const button = site.findUploadButton(appDoc);
      if (!button) {
        send({ type: 'batch-refused', batch, status: 'loading' });
        return;
      }
      await suppressNextPicker(appDoc.defaultView);
      button.click();
      input = await waitFor(() => site.findUploadInput(appDoc), 5000);
      if (!input) {
        send({ type: 'batch-refused', batch, status: 'no-input' });
        return;
      }
    }
    const transfer = new appDoc.defaultView.DataTransfer();
    const now = Date.now();
    files.forEach((meta, i) => {
      const file = new appDoc.defaultView.File([buffers[i]], meta.name, { type: meta.mediaType, lastModified: meta.lastModified });
      transfer.items.add(file);
      const key = keyOf(file.name, file.size, file.lastModified);
      if (!pending.has(key)) pending.set(key, []);
      pending.get(key).push({ id: meta.id, name: meta.name, handedAt: now, started: false });
    });
    input.files = transfer.files;
    // The page's framework listens for bubbling input/change events; these are untrusted, which React accepts.
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    send({ type: 'batch-handed', batch });
  }

  function suppressNextPicker(appWindow) {
    const token = Math.random().toString(36).slice(2);
    return new Promise((resolve) => {
      const onMessage = (event) => {
        if (event.data && event.data.source === 'photolift-observer' && event.data.kind === 'picker-suppressed' &&
          event.data.token === token) {
          window.removeEventListener('message', onMessage);
          resolve(true);
        }
      };
      window.addEventListener('message', onMessage);
      appWindow.postMessage({ source: 'photolift-content', kind: 'suppress-next-picker', token }, location.origin);
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

  function takePending(key, { startedOnly = false } = {}) {
    const queue = pending.get(key);
    if (!queue) return null;
    const index = startedOnly ? queue.findIndex((f) => f.started) : 0;
    if (index < 0) return null;
    const [entry] = queue.splice(index, 1);
    if (!queue.length) pending.delete(key);
    return entry;
  }

  // What the page's own upload requests did, as seen by page-observer.js in the app frame.
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== location.origin || !data || data.source !== 'photolift-observer') return;
    const key = keyOf(data.name, data.size, data.lastModified);
    if (data.kind === 'upload-start') {
      const entry = (pending.get(key) || []).find((f) => !f.started);
      if (entry) {
        entry.started = true;
        send({ type: 'file-progress', id: entry.id, loaded: 0, total: data.size });
      }
    } else if (data.kind === 'upload-progress') {
      const entry = (pending.get(key) || []).find((f) => f.started);
      if (entry) send({ type: 'file-progress', id: entry.id, loaded: data.loaded, total: data.total });
    } else if (data.kind === 'upload-end') {
      const entry = takePending(key, { startedOnly: true });
      if (!entry) return;
      const outcome = data.status >= 200 && data.status < 300 ? 'uploaded'
        : data.status === 409 ? 'already-there'
          : data.status === 401 ? 'signed-out' : 'failed';
      const reason = data.status === 0 ? 'the connection to iCloud was lost' : `iCloud answered ${data.status} ${data.statusText}`.trim();
      send({ type: 'file-result', id: entry.id, outcome, reason: outcome === 'failed' ? reason : '' });
    }
  });

  // Files the page refused (its error toast names them) or never started uploading.
  setInterval(() => {
    if (!pending.size) return;
    const appDoc = site.findAppDocument(document);
    const toasts = appDoc ? site.errorToastTexts(appDoc) : [];
    const now = Date.now();
    for (const [key, queue] of [...pending]) {
      for (const entry of [...queue]) {
        if (entry.started) continue;
        const toast = toasts.find((text) => text.includes(entry.name));
        if (toast || now - entry.handedAt > NEVER_STARTED_MS) {
          queue.splice(queue.indexOf(entry), 1);
          send({ type: 'file-result', id: entry.id, outcome: toast ? 'rejected' : 'never-started', reason: toast || '' });
        }
      }
      if (!queue.length) pending.delete(key);
    }
  }, 500);
})();
