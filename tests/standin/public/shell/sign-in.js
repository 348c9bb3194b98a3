// The signed-out view, as Apple's landing shows it: first only a "Sign In" button; clicking it
// frames Apple's sign-in widget (iframe#aid-auth-widget-iFrame from idmsa.apple.com). When the user
// signs in there, the widget posts {type: 'complete', iframeId} to this window; only a message from
// https://idmsa.apple.com and from that very frame counts. The shell then shows its view in place.
'use strict';

(() => {
  const { h, strings, locale } = self.IcloudShell;
  const AUTH_ORIGIN = 'https://idmsa.apple.com';
  // iCloud.com's public client id for Apple's sign-in widget.
  const CLIENT_ID = 'd39ba9916b7251055b22c7f910e2ea796ee65e98b2ddecea8f5dde8d9d1a815d';

  let pending = null; // {frame, iframeId, onSignedIn} while the widget is shown

  window.addEventListener('message', (event) => {
    if (!pending || event.origin !== AUTH_ORIGIN || event.source !== pending.frame.contentWindow) return;
    if (!event.data || event.data.type !== 'complete' || event.data.iframeId !== pending.iframeId) return;
    const { onSignedIn } = pending;
    pending = null;
    onSignedIn();
  });

  function authUrl(iframeId) {
    const [language, region] = locale.split('-');
    const query = new URLSearchParams({
      frame_id: iframeId, language: `${language}_${region.toUpperCase()}`, skVersion: '7', iframeId,
      client_id: CLIENT_ID, redirect_uri: location.origin, response_type: 'code', response_mode: 'web_message',
      state: iframeId, authVersion: 'latest',
    });
    return `${AUTH_ORIGIN}/appleauth/auth/authorize/signin?${query}`;
  }

  function showWidget(section, onSignedIn) {
    const iframeId = `auth-${crypto.randomUUID()}`;
    const frame = h('iframe', {
      id: 'aid-auth-widget-iFrame', name: 'aid-auth-widget', title: strings.authFrameTitle, src: authUrl(iframeId),
    });
    section.querySelector('.SignInLanding').replaceWith(h('div', { class: 'AuthWidget' }, frame));
    pending = { frame, iframeId, onSignedIn };
  }

  /** The sign-in view (main.ShellContent.SignInView); `onSignedIn` runs once the widget says so. */
  self.IcloudShell.signInView = ({ onSignedIn }) => {
    pending = null;
    const button = h('button', { type: 'button', class: 'SignInButton' }, strings.signIn);
    const section = h('section', { class: 'SignIn' },
      h('h1', {}, strings.signInHeading), h('div', { class: 'SignInLanding' }, button));
    button.addEventListener('click', () => showWidget(section, onSignedIn), { once: true });
    return h('main', { class: 'ShellContent SignInView' }, section);
  };
})();
