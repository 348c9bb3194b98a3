// The iCloud shell at https://www.icloud.com/photos/ (top document). Like the real single-page
// app, it does not reload when the session expires: when the Photos app reports a 401, the shell
// swaps the app's iframe IN PLACE for the sign-in view; "Sign In" signs in with a fetch and puts a
// fresh app iframe back. The top document (and anything injected into it, such as an extension's
// panel) stays.
'use strict';

(() => {
  const APP_SRC = '/applications/photos3/current/en-us/index.html?rootDomain=www';
  const accountMenu = document.querySelector('.AccountMenu');
  let content = document.querySelector('main.ShellContent');
  if (!content || !content.querySelector('iframe.child-application')) return; // the signed-out page

  function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.append(...children);
    return element;
  }

  function appFrame() {
    return content.querySelector('iframe.child-application');
  }

  // The app (same origin) says its session is gone: `postMessage({icloudShell: 'session-expired'})`.
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || !event.data || event.data.icloudShell !== 'session-expired') return;
    const frame = appFrame();
    if (frame && event.source === frame.contentWindow) showSignIn();
  });

  function showSignIn() {
    if (!appFrame()) return; // already showing it
    const button = h('button', { type: 'button', class: 'SignInButton' }, 'Sign In');
    const view = h('main', { class: 'ShellContent SignInView' },
      h('section', { class: 'SignIn' }, h('h1', {}, 'Sign in to iCloud'), button));
    button.addEventListener('click', () => signIn(button));
    content.replaceWith(view);
    content = view;
    if (accountMenu) accountMenu.hidden = true;
    document.title = 'iCloud';
  }

  async function signIn(button) {
    button.disabled = true;
    try {
      const response = await fetch('/auth/signin', { method: 'POST', credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      console.warn('iCloud stand-in: sign-in failed', error);
      button.disabled = false;
      return;
    }
    const view = h('main', { class: 'ShellContent' },
      h('iframe', { class: 'child-application', name: 'photos', title: 'Photos', src: APP_SRC }));
    content.replaceWith(view);
    content = view;
    if (accountMenu) accountMenu.hidden = false;
    document.title = 'iCloud Photos';
  }
})();
