// Stand-in for Apple's Photos web app, behaving as the real one is believed to (README, "What we know of the page"):
// - a sidebar (Library, Memories, Albums); only the Library view has the Upload button, the
//   grid and drop-to-upload; the variant's startView says where the app opens;
// - the Upload toolbar button MOUNTS a hidden <input type=file multiple> and clicks it;
//   the input is removed again once its `change` has been handled, so every upload needs a click;
// - `change` is handled whoever dispatched it (React accepts isTrusted=false events);
// - only JPEG and videos are accepted; any other file only counts in an error toast that names no
//   file ("There was a problem uploading N items");
// - the accepted files go to self.StandinUploader.upload(files, ui) (uploader.js: the protocol),
//   which reports through `ui` (progress rows, toast, session expiry, done); "Cancel upload" beside
//   Upload shows while a selection uploads and calls StandinUploader.cancel();
// - a 401/421 means the session expired: the app tells the shell
//   (window.parent.postMessage({icloudShell: 'session-expired'})), which replaces it in place
//   with the sign-in view.
// Words come from the locale build (JSON block #standin-strings). With the variant buttonClasses
// false, toolbar buttons carry no class naming what they do: only role, aria-label and title.
// Plain DOM code, no framework, so the page loads under its strict CSP with nothing external.
'use strict';

(() => {
  const ACCEPT = 'image/jpeg,.jpg,.jpeg,video/quicktime,video/mp4,.mov,.mp4,.m4v';
  const ACCEPTED_TYPES = ['image/jpeg', 'image/jpg', 'video/quicktime', 'video/mp4', 'video/x-m4v'];
  const ACCEPTED_EXTENSIONS = ['jpg', 'jpeg', 'mov', 'mp4', 'm4v'];
  const FINISHED_ROW_STATES = ['uploaded', 'duplicate', 'failed'];
  const TOAST_MS = 6000;

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

  const json = (id) => JSON.parse(document.getElementById(id)?.textContent || '{}');
  const variant = json('standin-variant');
  const t = json('standin-strings');
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  // ---- toolbar buttons -----------------------------------------------------------------------------

  // `kind` names the button in its classes (UploadButton, …) unless the variant drops such names.
  function toolbarButton(kind, label, icon, { primary = false } = {}) {
    const named = variant.buttonClasses !== false;
    const classes = ['push', primary && 'primary', 'PhotosButton', 'ToolbarButton', 'AppToolbarButton', named && `${kind}Button`];
    return h('ui-button', {
      class: classes.filter(Boolean).join(' '), role: 'button', 'aria-label': label, title: label, tabindex: '0',
    }, h('span', { class: named ? `Icon ${kind}Icon` : 'Icon', 'aria-hidden': 'true' }, icon));
  }

  function onActivate(button, action) {
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-disabled') !== 'true') action();
    });
    button.addEventListener('keydown', (event) => {
      // Synthetic key events are reported ignored by the real page: only trusted keys activate.
      if (event.isTrusted && (event.key === 'Enter' || event.key === ' ')) button.click();
    });
  }

  // Download (the selection) and Cancel upload come BEFORE Upload in the toolbar, so that code
  // picking "the first button whose label says upload/télécharger" picks the wrong one.
  const downloadButton = toolbarButton('Download', t.download, '\u2193');
  const cancelButton = toolbarButton('Cancel', t.cancelUpload, '\u2715');
  const uploadButton = toolbarButton('Upload', t.upload, '\u2191', { primary: true });
  setDownloadEnabled(false);
  cancelButton.hidden = true;
  onActivate(uploadButton, openFileChooser);
  onActivate(cancelButton, () => self.StandinUploader?.cancel());
  onActivate(downloadButton, () => console.info('Photos stand-in: download of the selection is not modelled'));

  function setDownloadEnabled(enabled) {
    downloadButton.setAttribute('aria-disabled', String(!enabled));
    downloadButton.toggleAttribute('disabled', !enabled);
  }

  function toolbar(title, ...buttons) {
    return h('div', { class: 'Toolbar AppToolbar', role: 'toolbar' }, h('h1', { class: 'ToolbarTitle' }, title), ...buttons);
  }

  // ---- views -------------------------------------------------------------------------------------

  const library = self.PhotosLibraryGrid.create({
    h, label: t.library, emptyText: t.empty, onSessionExpired: sessionExpired, onSelectionChange: (n) => setDownloadEnabled(n > 0),
  });
  const VIEWS = {
    library: () => [toolbar(t.library, downloadButton, cancelButton, uploadButton), library.element],
    memories: () => [toolbar(t.memories), h('div', { class: 'MemoriesEmpty' }, t.noMemories)],
    albums: () => [toolbar(t.albums), h('div', { class: 'AlbumsGrid', role: 'list' },
      ...[t.favorites, t.videos].map((name) => h('div', { class: 'AlbumTile', role: 'listitem' },
        h('div', { class: 'AlbumCover', 'aria-hidden': 'true' }), h('span', { class: 'AlbumName' }, name))))],
  };

  const sidebarItems = Object.keys(VIEWS).map((view) => {
    const item = h('button', { type: 'button', class: 'SidebarItem', 'data-view': view }, t[view]);
    item.addEventListener('click', () => showView(view));
    return item;
  });
  const sidebar = h('nav', { class: 'Sidebar', role: 'navigation', 'aria-label': t.sidebar },
    h('ul', { class: 'SidebarList' }, ...sidebarItems.map((item) => h('li', {}, item))));
  const mainPane = h('ui-main-pane', { class: 'PhotosMainPane' });
  const progressTitle = h('div', { class: 'UploadProgressTitle' });
  const progressList = h('div', { class: 'UploadProgressList' });
  const progress = h('div', { class: 'UploadProgress', hidden: '' }, progressTitle, progressList);
  const toasts = h('div', { class: 'Toasts', 'aria-live': 'assertive' });
  const root = h('div', { class: 'PhotosRootContent PhotosApp' }, sidebar, mainPane, progress, toasts);
  let currentView = null;

  function showView(view) {
    if (view === currentView) return;
    currentView = view;
    root.querySelector('input[type=file]')?.remove();
    for (const item of sidebarItems) {
      if (item.dataset.view === view) item.setAttribute('aria-current', 'page');
      else item.removeAttribute('aria-current');
    }
    mainPane.replaceChildren(...VIEWS[view]());
  }

  showView(VIEWS[variant.startView] ? variant.startView : 'library');
  document.getElementById('root').append(root);

  // ---- choosing files ----------------------------------------------------------------------------

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

  // Dropping files on the Library view uploads them too.
  mainPane.addEventListener('dragover', (event) => {
    if (currentView === 'library') event.preventDefault();
  });
  mainPane.addEventListener('drop', (event) => {
    if (currentView !== 'library') return;
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

  function showErrorToast(count) {
    const text = count === 1 ? t.toastOne : fill(t.toastMany, { count });
    const toast = h('div', { class: 'Toast ErrorToast', role: 'alert' }, text);
    toasts.append(toast);
    setTimeout(() => toast.remove(), TOAST_MS);
  }

  // ---- uploading (the protocol is uploader.js's) ---------------------------------------------------

  let runningSelections = 0;

  function uploadFiles(files) {
    const accepted = files.filter(isAccepted);
    if (accepted.length < files.length) showErrorToast(files.length - accepted.length);
    if (!accepted.length) return;
    const uploader = self.StandinUploader;
    if (!uploader) {
      console.error('Photos stand-in: uploader.js defined no StandinUploader');
      showErrorToast(accepted.length);
      return;
    }
    const ui = selectionUi();
    runningSelections += 1;
    cancelButton.hidden = false;
    try {
      const running = uploader.upload(accepted, ui);
      if (typeof running?.then === 'function') {
        running.then(ui.done, (error) => {
          console.error('Photos stand-in: upload', error);
          ui.done();
        });
      }
    } catch (error) {
      console.error('Photos stand-in: upload', error);
      ui.done();
    }
  }

  // What the uploader may do to the page for one selection. The uploader calls done() when the
  // selection is over; if upload() returns a promise, its settling counts as done() too (once).
  function selectionUi() {
    let finished = false;
    return {
      variant,
      addRow,
      setRow,
      toast: showErrorToast,
      sessionExpired,
      text: (key) => t[key] ?? key,
      done() {
        if (finished) return;
        finished = true;
        runningSelections -= 1;
        if (!runningSelections) cancelButton.hidden = true;
        updateProgressTitle();
        library.refresh();
      },
    };
  }

  function addRow(file) {
    const bar = h('progress', { max: '1', value: '0' });
    const status = h('span', { class: 'UploadProgressStatus' }, '0%');
    const row = h('div', { class: 'UploadProgressItem is-uploading', 'data-filename': file.name },
      h('span', { class: 'UploadProgressName' }, file.name), bar, status);
    progressList.append(row);
    progress.hidden = false;
    updateProgressTitle();
    return row;
  }

  // state: uploading | uploaded | duplicate | failed
  function setRow(row, state, text, fraction) {
    row.className = `UploadProgressItem is-${state}`;
    row.dataset.state = state;
    row.querySelector('.UploadProgressStatus').textContent = text;
    if (fraction !== undefined) row.querySelector('progress').value = fraction;
    updateProgressTitle();
  }

  function updateProgressTitle() {
    const rows = [...progressList.children];
    const done = rows.filter((row) => FINISHED_ROW_STATES.includes(row.dataset.state)).length;
    progressTitle.textContent = done < rows.length ? fill(t.progress, { done, total: rows.length }) : t.complete;
  }

  // ---- session -----------------------------------------------------------------------------------

  function sessionExpired() {
    if (window.parent !== window) window.parent.postMessage({ icloudShell: 'session-expired' }, location.origin);
  }
})();
