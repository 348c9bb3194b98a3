// Stand-in for Apple's Photos web app, behaving as the real one is believed to (DESIGN.md §2):
// - the Upload toolbar button MOUNTS a hidden <input type=file multiple> and clicks it;
//   the input is removed again once its `change` has been handled, so every upload needs a click;
// - `change` is handled whoever dispatched it (React accepts isTrusted=false events);
// - only JPEG and videos are accepted; anything else gets an error toast and is not sent;
// - each file is its own XHR POST to p42-uploadimagews with name and lastModified in the query,
//   at most 3 at a time, with a progress row per file; 409 means "already in your library";
// - afterwards the library grid re-reads the (CloudKit-like) library service, which it also polls
//   every 2 s (so an idle app notices an expired session too);
// - a 401 from any of its requests means the session expired: the app tells the shell
//   (window.parent.postMessage({icloudShell: 'session-expired'})), which replaces it in place
//   with the sign-in view (shell/shell.js).
// Plain DOM code, no framework, so the page loads under its strict CSP with nothing external.
'use strict';

(() => {
  const DSID = '1234567890';
  const UPLOAD_URL = 'https://p42-uploadimagews.icloud.com/upload';
  const DATABASE_URL = 'https://p42-ckdatabasews.icloud.com/database/1/com.apple.photos.cloud/production/private';
  const ACCEPT = 'image/jpeg,.jpg,.jpeg,video/quicktime,video/mp4,.mov,.mp4,.m4v';
  const ACCEPTED_TYPES = ['image/jpeg', 'image/jpg', 'video/quicktime', 'video/mp4', 'video/x-m4v'];
  const ACCEPTED_EXTENSIONS = ['jpg', 'jpeg', 'mov', 'mp4', 'm4v'];
  const MAX_PARALLEL_UPLOADS = 3;
  const TOAST_MS = 6000;
  const LIBRARY_POLL_MS = 2000;

  // Apple's ui-* elements are custom elements without a shadow root in the way.
  for (const tag of ['ui-button', 'ui-main-pane']) {
    if (!customElements.get(tag)) customElements.define(tag, class extends HTMLElement {});
  }

  function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.append(...children);
    return element;
  }

  // ---- DOM -------------------------------------------------------------------------------------

  const uploadButton = h('ui-button', {
    class: 'push primary PhotosButton ToolbarButton AppToolbarButton UploadButton',
    role: 'button', 'aria-label': 'Upload', title: 'Upload', tabindex: '0',
  }, h('span', { class: 'Icon UploadIcon', 'aria-hidden': 'true' }, '\u2191'));
  const toolbar = h('div', { class: 'Toolbar AppToolbar', role: 'toolbar' },
    h('h1', { class: 'ToolbarTitle' }, 'Library'), uploadButton);
  const grid = h('div', { class: 'PhotosGrid', role: 'grid', 'aria-label': 'Library' });
  const emptyNote = h('div', { class: 'EmptyLibrary' }, 'No Photos or Videos');
  const mainPane = h('ui-main-pane', { class: 'PhotosMainPane' }, toolbar, h('div', { class: 'PhotosGridContainer' }, grid, emptyNote));
  const progressTitle = h('div', { class: 'UploadProgressTitle' });
  const progressList = h('div', { class: 'UploadProgressList' });
  const progress = h('div', { class: 'UploadProgress', hidden: '' }, progressTitle, progressList);
  const toasts = h('div', { class: 'Toasts', 'aria-live': 'assertive' });
  const root = h('div', { class: 'PhotosRootContent PhotosApp' }, mainPane, progress, toasts);
  document.getElementById('root').append(root);

  // ---- choosing files ----------------------------------------------------------------------------

  uploadButton.addEventListener('click', openFileChooser);
  uploadButton.addEventListener('keydown', (event) => {
    // Synthetic key events are reported ignored by the real page: only trusted keys activate.
    if (event.isTrusted && (event.key === 'Enter' || event.key === ' ')) openFileChooser();
  });

  function openFileChooser() {
    let input = root.querySelector('input[type=file]');
    if (!input) {
      input = h('input', { type: 'file', multiple: '', accept: ACCEPT, class: 'UploadInput', style: 'display:none' });
      input.addEventListener('change', () => {
        const files = Array.from(input.files || []);
        input.remove();
        uploadFiles(files);
      });
      root.append(input);
    }
    // Opens the chooser only with a user activation; a synthetic click still leaves the input mounted.
    input.click();
  }

  // Dropping files on the library view uploads them too.
  mainPane.addEventListener('dragover', (event) => event.preventDefault());
  mainPane.addEventListener('drop', (event) => {
    event.preventDefault();
    uploadFiles(Array.from(event.dataTransfer?.files || []));
  });

  // Name and type must both agree with an accepted format (a missing type or extension is
  // tolerated, not both): the stand-in is strict so the extension must produce coherent Files.
  function isAccepted(file) {
    const dot = file.name.lastIndexOf('.');
    const extension = dot > 0 ? file.name.slice(dot + 1).toLowerCase() : '';
    const type = (file.type || '').toLowerCase();
    if (!type && !extension) return false;
    return (!type || ACCEPTED_TYPES.includes(type)) && (!extension || ACCEPTED_EXTENSIONS.includes(extension));
  }

  function showErrorToast(text) {
    const toast = h('div', { class: 'Toast ErrorToast', role: 'alert' }, text);
    toasts.append(toast);
    setTimeout(() => toast.remove(), TOAST_MS);
  }

  // ---- uploading ---------------------------------------------------------------------------------

  const waiting = [];
  let running = 0;
  let batchTotal = 0;
  let batchDone = 0;

  function uploadFiles(files) {
    for (const file of files) {
      if (!isAccepted(file)) {
        showErrorToast(`\u201c${file.name}\u201d could not be uploaded. The format is not supported.`);
        continue;
      }
      waiting.push({ file, row: addProgressRow(file) });
      batchTotal += 1;
    }
    updateProgressTitle();
    pump();
  }

  function pump() {
    while (running < MAX_PARALLEL_UPLOADS && waiting.length) {
      const job = waiting.shift();
      running += 1;
      upload(job).then(() => {
        running -= 1;
        batchDone += 1;
        if (!running && !waiting.length) {
          batchTotal = batchDone = 0;
          refreshLibrary();
        }
        updateProgressTitle();
        pump();
      });
    }
  }

  function upload({ file, row }) {
    return new Promise((resolve) => {
      const query = [
        `filename=${encodeURIComponent(file.name)}`,
        `dsid=${DSID}`,
        `lastModDate=${file.lastModified}`,
        `timestamp=${Date.now()}`,
      ].join('&');
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${UPLOAD_URL}?${query}`);
      xhr.withCredentials = true;
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) setRow(row, 'uploading', `${Math.round((event.loaded / event.total) * 100)}%`, event.loaded / event.total);
      };
      xhr.onload = () => {
        if (xhr.status === 401) sessionExpired();
        if (xhr.status === 200) setRow(row, 'uploaded', 'Uploaded', 1);
        else if (xhr.status === 409) setRow(row, 'duplicate', 'Already in your library', 1);
        else setRow(row, 'failed', "Couldn't upload");
        resolve();
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => {
        setRow(row, 'failed', "Couldn't upload");
        resolve();
      };
      xhr.send(file);
    });
  }

  function addProgressRow(file) {
    const bar = h('progress', { max: '1', value: '0' });
    const status = h('span', { class: 'UploadProgressStatus' }, '0%');
    const row = h('div', { class: 'UploadProgressItem', 'data-filename': file.name },
      h('span', { class: 'UploadProgressName' }, file.name), bar, status);
    progressList.append(row);
    progress.hidden = false;
    return row;
  }

  function setRow(row, stateClass, text, fraction) {
    row.className = `UploadProgressItem is-${stateClass}`;
    row.querySelector('.UploadProgressStatus').textContent = text;
    if (fraction !== undefined) row.querySelector('progress').value = fraction;
  }

  function updateProgressTitle() {
    progressTitle.textContent = batchTotal ? `Uploading: ${batchDone} of ${batchTotal} done` : 'Upload complete';
  }

  // ---- session -----------------------------------------------------------------------------------

  function sessionExpired() {
    if (window.parent !== window) window.parent.postMessage({ icloudShell: 'session-expired' }, location.origin);
  }

  // ---- library -----------------------------------------------------------------------------------

  let syncToken = null;
  let refreshing = false;

  async function database(call) {
    // text/plain JSON, as CloudKit's web client sends, so no preflight is needed.
    const response = await fetch(`${DATABASE_URL}/${call}?dsid=${DSID}&remapEnums=true`, {
      method: 'POST', credentials: 'include', body: JSON.stringify({ zoneID: { zoneName: 'PrimarySync' } }),
    });
    if (response.status === 401) sessionExpired();
    if (!response.ok) throw new Error(`${call}: HTTP ${response.status}`);
    return response.json();
  }

  async function refreshLibrary() {
    if (refreshing) return;
    refreshing = true;
    try {
      const { zones } = await database('zones/list');
      if (zones[0].syncToken === syncToken) return;
      const { records, syncToken: token } = await database('records/query');
      syncToken = token;
      renderGrid(records);
    } catch (error) {
      console.warn('Photos stand-in: library refresh failed', error);
    } finally {
      refreshing = false;
    }
  }

  // Cells are kept per record (as React would), so polling a large library does not rebuild the grid.
  const cellsByRecord = new Map();

  function renderGrid(records) {
    const cells = records.map(({ recordName, fields }) => {
      if (cellsByRecord.has(recordName)) return cellsByRecord.get(recordName);
      const name = fields.filename.value;
      const isVideo = fields.itemType.value.startsWith('video/');
      const content = isVideo
        ? h('div', { class: 'VideoTile' }, '\u25b6 ', name)
        : h('img', { src: fields.thumbURL.value, alt: name, loading: 'lazy' });
      const cell = h('div', { class: 'GridItem', role: 'gridcell', 'aria-label': name, 'data-record-name': recordName }, content);
      cellsByRecord.set(recordName, cell);
      return cell;
    });
    const current = new Set(records.map((r) => r.recordName));
    for (const recordName of [...cellsByRecord.keys()]) if (!current.has(recordName)) cellsByRecord.delete(recordName);
    let row = grid.querySelector('.GridRow');
    if (!row) grid.append(row = h('div', { class: 'GridRow', role: 'row' }));
    const same = row.children.length === cells.length && cells.every((cell, i) => row.children[i] === cell);
    if (!same) row.replaceChildren(...cells);
    emptyNote.hidden = cells.length > 0;
  }

  refreshLibrary();
  setInterval(refreshLibrary, LIBRARY_POLL_MS);
})();
