// The iCloud shell (top document), a single-page app like the real one: it shows the view its path
// names — the home launcher at /, the Photos app (same-origin child iframe) at /photos/ — or the
// sign-in view when signed out, always IN PLACE: opening Photos from home is a history.pushState,
// Back a popstate, and an expired session (the app reports a 401/421) swaps the app for the sign-in
// view without a reload. The top document (and anything injected into it, such as an extension's
// panel) stays.
'use strict';

(() => {
  const shell = self.IcloudShell;
  const { h, strings, variant, appUrl } = shell;
  // appFrame 'navigate': the frame is created blank and sent to the app this much later, so its src
  // attribute never names the app.
  const NAVIGATE_DELAY_MS = 300;
  const accountMenu = document.querySelector('.AccountMenu');
  const appName = document.querySelector('.ShellAppName');
  let signedIn = document.body.dataset.session === 'signed-in';

  function show(view, { title, app = '' }) {
    shell.showView(view);
    document.title = title;
    accountMenu.hidden = !signedIn;
    appName.hidden = !app;
    appName.textContent = app;
  }

  function render() {
    if (!signedIn) return show(shell.signInView({ onSignedIn }), { title: strings.homeTitle });
    if (location.pathname === '/photos/') return show(photosView(), { title: strings.photosTitle, app: strings.photos });
    return show(shell.homeView({ onOpen }), { title: strings.homeTitle });
  }

  function onSignedIn() {
    signedIn = true;
    render();
  }

  // A plain click on the Photos tile switches in place; anything else follows the link.
  function onOpen(path, event) {
    if (path !== '/photos/' || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    history.pushState({ view: 'photos' }, '', path);
    render();
  }

  window.addEventListener('popstate', () => {
    if (signedIn) render(); // signed out, the sign-in view stays whatever the path
  });

  function photosView() {
    const frame = h('iframe', { class: 'child-application', name: 'photos', title: strings.photos });
    if (variant.appFrame === 'navigate') {
      setTimeout(() => {
        if (frame.isConnected) frame.contentWindow.location.replace(appUrl);
      }, NAVIGATE_DELAY_MS);
    } else {
      frame.setAttribute('src', appUrl);
    }
    return h('main', { class: 'ShellContent PhotosView' }, frame);
  }

  // The app (same origin) says its session is gone: `postMessage({icloudShell: 'session-expired'})`.
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || !event.data || event.data.icloudShell !== 'session-expired') return;
    const frame = document.querySelector('iframe.child-application');
    if (!signedIn || !frame || event.source !== frame.contentWindow) return;
    signedIn = false;
    render();
  });

  render();
})();
