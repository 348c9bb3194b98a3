// Runs in the Photos app's own JavaScript realm (the MAIN world), because only there can the page's
// own requests be seen. It never sends anything to iCloud itself: it reports each request the page
// makes (method, URL, what its body is; for the requests the site adapter says carry upload
// outcomes, the JSON texts too) to photolift's content script in the top frame, which judges them.
//
// build.sh bundles this file with protocol.js and icloud.js into one function whose `globalThis`
// is a private object: nothing here is visible to the page.
'use strict';

(() => {
  const P = globalThis.PhotoliftProtocol;
  const site = globalThis.PhotoliftICloud;
  const origin = location.origin;
  const post = (type, fields) => {
    try { window.top.postMessage(P.message('observer', type, fields), origin); } catch { /* top not same-origin */ }
  };
  // Texts over this size are not upload-API JSON; they are left out.
  const MAX_TEXT = 1 << 20;

  let nextRequest = 1;

  function bodyFacts(body, withText) {
    if (body == null) return { kind: 'none', size: 0, name: null, lastModified: null, text: null };
    if (typeof body === 'string') {
      return { kind: 'text', size: body.length, name: null, lastModified: null,
        text: withText && body.length <= MAX_TEXT ? body : null };
    }
    if (typeof File !== 'undefined' && body instanceof File) {
      return { kind: 'file', size: body.size, name: body.name, lastModified: body.lastModified, text: null };
    }
    if (typeof Blob !== 'undefined' && body instanceof Blob) {
      return { kind: 'blob', size: body.size, name: null, lastModified: null, text: null };
    }
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      return { kind: 'array-buffer', size: body.byteLength, name: null, lastModified: null, text: null };
    }
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      for (const value of body.values()) {
        if (value instanceof File) {
          return { kind: 'form-data', size: value.size, name: value.name, lastModified: value.lastModified, text: null };
        }
      }
      return { kind: 'form-data', size: 0, name: null, lastModified: null, text: null };
    }
    return { kind: 'other', size: 0, name: null, lastModified: null, text: null };
  }

  const XHR = XMLHttpRequest.prototype;
  const open = XHR.open;
  const send = XHR.send;
  const opened = new WeakMap();
  // Method shorthand keeps the native names (`open`, `send`): nothing says photolift is here.
  XHR.open = { open(method, url) {
    opened.set(this, { method: String(method), url: String(new URL(url, location.href)) });
    return open.apply(this, arguments);
  } }.open;
  XHR.send = { send(body) {
    const target = opened.get(this);
    if (target) {
      const request = nextRequest++;
      const kind = site.classifyRequest(target.method, target.url);
      const withText = site.carriesOutcomes(kind);
      post(P.FromObserver.REQUEST_STARTED, { request, ...target, body: bodyFacts(body, withText) });
      this.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) post(P.FromObserver.REQUEST_PROGRESS, { request, loaded: e.loaded, total: e.total });
      });
      this.addEventListener('loadend', () => {
        let text = null;
        if (withText && (this.responseType === '' || this.responseType === 'text')) text = this.responseText;
        post(P.FromObserver.REQUEST_ENDED, { request, status: this.status, text });
      });
    }
    return send.call(this, body);
  } }.send;

  const originalFetch = window.fetch;
  window.fetch = { fetch(input, init) {
    const pending = originalFetch.apply(this, arguments);
    try {
      const isRequest = typeof Request !== 'undefined' && input instanceof Request;
      const method = String(init?.method || (isRequest ? input.method : 'GET'));
      const url = String(new URL(isRequest ? input.url : String(input), location.href));
      const request = nextRequest++;
      const kind = site.classifyRequest(method, url);
      const withText = site.carriesOutcomes(kind);
      post(P.FromObserver.REQUEST_STARTED, { request, method, url, body: bodyFacts(init?.body, withText) });
      pending.then(
        async (response) => {
          const text = withText ? await response.clone().text().catch(() => null) : null;
          post(P.FromObserver.REQUEST_ENDED, { request, status: response.status, text });
        },
        () => post(P.FromObserver.REQUEST_ENDED, { request, status: 0, text: null }),
      );
    } catch { /* a request we cannot describe is still the page's to make */ }
    return pending;
  } }.fetch;

  // The page may upload from a worker of its own, where no script of ours runs: its messages to
  // and from that worker still show that it is at work.
  const sizeOf = (data) => {
    if (data instanceof Blob) return data.size;
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
    if (data && typeof data === 'object') {
      return Object.values(data).reduce((sum, value) => sum + (value instanceof Blob ? value.size
        : value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? value.byteLength : 0), 0);
    }
    return 0;
  };
  const workerPost = Worker.prototype.postMessage;
  Worker.prototype.postMessage = { postMessage(data) {
    post(P.FromObserver.WORKER_TRAFFIC, { bytes: sizeOf(data) });
    return workerPost.apply(this, arguments);
  } }.postMessage;
  const NativeWorker = window.Worker;
  window.Worker = new Proxy(NativeWorker, {
    construct(target, args, newTarget) {
      const worker = Reflect.construct(target, args, newTarget);
      worker.addEventListener('message', (event) => post(P.FromObserver.WORKER_TRAFFIC, { bytes: sizeOf(event.data) }));
      return worker;
    },
  });

  // The app opens a file chooser when its upload button is clicked. When photolift clicks that button
  // only to make the app mount its input, the chooser must not pop up in front of the user.
  let suppressPickerUntil = 0;
  for (const method of ['click', 'showPicker']) {
    const original = HTMLInputElement.prototype[method];
    if (!original) continue;
    HTMLInputElement.prototype[method] = {
      [method](...args) {
        if (this.type === 'file' && Date.now() < suppressPickerUntil) {
          suppressPickerUntil = 0;
          return undefined;
        }
        return original.apply(this, args);
      },
    }[method];
  }
  window.addEventListener('message', (event) => {
    if (event.origin !== origin || event.source !== window.top || !P.isOf(event.data, 'observer')) return;
    if (event.data.type === P.ToObserver.SUPPRESS_NEXT_PICKER) {
      suppressPickerUntil = Date.now() + 5000;
      post(P.FromObserver.PICKER_SUPPRESSED, { token: String(event.data.token) });
    }
  });
  post(P.FromObserver.READY, {});
})();
