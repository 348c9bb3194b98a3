// Apple's sign-in widget (stand-in): Continue signs in with a fetch, then tells the framing iCloud
// page with a fixed message, {type: 'complete', iframeId}, addressed to its origin only.
'use strict';

(() => {
  const config = JSON.parse(document.getElementById('auth-config').textContent);
  const form = document.getElementById('sign-in-form');
  const button = document.getElementById('sign-in');
  const error = document.getElementById('errMsg');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    try {
      const response = await fetch('/appleauth/auth/signin', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ accountName: form.accountName.value, password: form.password.value, rememberMe: false }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (failure) {
      error.textContent = String(failure);
      error.hidden = false;
      button.disabled = false;
      return;
    }
    window.parent.postMessage({ type: 'complete', iframeId: config.iframeId }, config.redirectUri);
  });
})();
