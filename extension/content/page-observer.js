// Runs in the Photos app's MAIN world (the page's own JavaScript realm), because only there can we see
// what the page's own upload requests did. It never sends anything itself: it watches the page's
// XMLHttpRequest/fetch calls whose body is a File and posts their outcome to the top frame, where
// photolift's content script matches them to the files it handed to the page.
'use strict';

(() => {
  if (window.__photoliftObserver) return;
  window.__photoliftObserver = true;

  const SOURCE = 'photolift-observer';
  const origin = location.origin;
  const post = (message) => {
    try { window.top.postMessage({ source: SOURCE, ...message }, origin); } catch { /* top not same-origin */ }
  };

  // The file an upload request carries: the body itself, or a File inside FormData.
  function fileOf(body) {
    if (typeof File !== 'undefined' && body instanceof File) return body;
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      for (const value of body.values()) if (value instanceof File) return value;
    }
    return null;
  }
  const describe = (file) => ({ name: file.name, size: file.size, lastModified: file.lastModified });

  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function photoliftObservedSend(body) {
    const file = fileOf(body);
    if (file) {
      const id = describe(file);
      post({ kind: 'upload-start', ...id });
      this.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) post({ kind: 'upload-progress', ...id, loaded: e.loaded, total: e.total });
      });
      this.addEventListener('loadend', () => {
        post({ kind: 'upload-end', ...id, status: this.status, statusText: this.statusText || '' });
      });
    }
    return send.call(this, body);
  };

  const originalFetch = window.fetch;
  window.fetch = function photoliftObservedFetch(input, init) {
    const file = fileOf(init && init.body);
    const pending = originalFetch.apply(this, arguments);
    if (file) {
      const id = describe(file);
      post({ kind: 'upload-start', ...id });
      pending.then(
        (response) => post({ kind: 'upload-end', ...id, status: response.status, statusText: response.statusText }),
        (error) => post({ kind: 'upload-end', ...id, status: 0, statusText: String(error && error.message || error) }),
      );
    }
    return pending;
  };

  // The app opens a file chooser when its upload button is clicked. When photolift clicks that button
  // only to make the app mount its input, the chooser must not pop up in front of the user.
  let suppressPickerUntil = 0;
  for (const method of ['click', 'showPicker']) {
    const original = HTMLInputElement.prototype[method];
    if (!original) continue;
    HTMLInputElement.prototype[method] = function photoliftPickerGuard(...args) {
      if (this.type === 'file' && Date.now() < suppressPickerUntil) {
        suppressPickerUntil = 0;
        return undefined;
      }
      return original.apply(this, args);
    };
  }
  window.addEventListener('message', (event) => {
    if (event.origin !== origin || !event.data || event.data.source !== 'photolift-content') return;
    if (event.data.kind === 'suppress-next-picker') {
      suppressPickerUntil = Date.now() + 5000;
      post({ kind: 'picker-suppressed', token: event.data.token });
    }
  });
  post({ kind: 'observer-ready' });
})();
