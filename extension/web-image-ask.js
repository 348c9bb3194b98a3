// The ask page of the context menu's "Upload to iCloud Photos" (web-image.js): where the menu
// click itself may not ask for the permission to read an image's origin, this button does. The
// background fetches the image when the permission is added (permissions.onAdded).
const pattern = new URLSearchParams(location.search).get('origin') ?? '';
const say = (key, ...args) => chrome.i18n.getMessage(key, args);
for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = say(element.dataset.i18n);
let host = pattern;
try { host = new URL(pattern.replace('/*', '/')).hostname; } catch { /* shown as given */ }
document.getElementById('why').textContent = say('menu_ask_text', host);
document.getElementById('allow').addEventListener('click', () => {
  chrome.permissions.request({ origins: [pattern] }).then((granted) => {
    if (granted) window.close();
    else document.getElementById('outcome').textContent = say('menu_ask_declined');
  }, (error) => { document.getElementById('outcome').textContent = String(error?.message ?? error); });
});
