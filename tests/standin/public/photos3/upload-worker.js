// The Photos app's upload worker (variant realm 'worker'): a dedicated Worker that makes the byte
// POSTs for the app window, which posts it {type: 'post', id, url, body, transport} (body: the
// File, a Blob or an ArrayBuffer) and {type: 'abort', id}. It answers {id, type: 'progress',
// loaded, total} while an XHR sends and {id, type: 'done', status, text} at the end (status 0: no answer).
'use strict';

const inFlight = new Map(); // id → something with abort(): the XHR or the fetch's AbortController

self.onmessage = ({ data }) => {
  if (data.type === 'abort') inFlight.get(data.id)?.abort();
  else if (data.type === 'post') post(data);
};

function post({ id, url, body, transport }) {
  const done = (status, text) => {
    inFlight.delete(id);
    self.postMessage({ id, type: 'done', status, text });
  };
  if (transport === 'fetch') {
    const controller = new AbortController();
    inFlight.set(id, controller);
    fetch(url, { method: 'POST', body, signal: controller.signal, credentials: 'omit' })
      .then((response) => response.text().then((text) => done(response.status, text)))
      .catch(() => done(0, ''));
    return;
  }
  const xhr = new XMLHttpRequest();
  inFlight.set(id, xhr);
  xhr.open('POST', url);
  xhr.upload.onprogress = (event) => {
    if (event.lengthComputable && event.total) self.postMessage({ id, type: 'progress', loaded: event.loaded, total: event.total });
  };
  xhr.onload = () => done(xhr.status, xhr.responseText);
  xhr.onerror = xhr.onabort = xhr.ontimeout = () => done(0, '');
  xhr.send(body);
}
