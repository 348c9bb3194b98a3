// www.icloud.com: the shell page (home launcher at /, Photos at /photos/, one single-page document
// that shell.js turns into the view its path names) and the Photos app it frames at
// /applications/photos3/current/<locale>/index.html, one build per locale. Static files from
// ./public, every answer under the strict CSP below. The CSP lacks 'wasm-unsafe-eval' on purpose: the
// real site may send such a policy, and it makes WebAssembly fail in content scripts (Chromium bug
// 1385796). Pages learn the variant and their strings from JSON blocks filled in here.
import { LOCALES, localeOrDefault, stringsFor } from './locales.mjs';
import { sendPublicFile } from './page-files.mjs';
import { redirect, sendText } from './responses.mjs';

export const SITE_HOST = 'www.icloud.com';
export const APP_ROOT = '/applications/photos3/current/';
export const APP_PATH = appPath('en-us');
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https://*.icloud.com https://*.icloud-content.com",
  // The upload API and the content host the bytes go to (today's flow).
  "connect-src 'self' https://*.icloud.com https://*.icloud-content.com",
  // Apple's sign-in widget is framed from idmsa.apple.com.
  "frame-src 'self' https://idmsa.apple.com",
].join('; ');

// The page's own variant keys and their defaults (the server's state.variant holds all keys).
const PAGE_VARIANT_DEFAULTS = { locale: 'en-us', buttonClasses: true, startView: 'library', appFrame: 'src' };

/** The variant as the page sees it: defaults filled in, an unknown locale replaced by en-us. */
export function pageVariant(state) {
  const variant = { ...PAGE_VARIANT_DEFAULTS, ...(state.variant ?? {}) };
  return { ...variant, locale: localeOrDefault(variant.locale) };
}

export function appPath(locale) {
  return `${APP_ROOT}${locale}/`;
}

// Files of the shell (top document) and of the Photos app (the same files under every locale's path).
const SYSTEM_FILES = {
  'shell.css': 'shell/shell.css',
  'shell-kit.js': 'shell/shell-kit.js',
  'sign-in.js': 'shell/sign-in.js',
  'home.js': 'shell/home.js',
  'shell.js': 'shell/shell.js',
};
const APP_FILES = {
  'index.html': 'photos3/index.html',
  'app.css': 'photos3/app.css',
  'app.js': 'photos3/app.js',
  'library-grid.js': 'photos3/library-grid.js',
  'uploader.js': 'photos3/uploader.js',
  'upload-worker.js': 'photos3/upload-worker.js',
};
const APP_FILE_PATH = new RegExp(`^${APP_ROOT}(${LOCALES.join('|')})/([\\w.-]+)$`);

export async function handleSite(req, res, state) {
  const { pathname } = new URL(req.url, `https://${SITE_HOST}`);
  const method = req.method === 'HEAD' ? 'GET' : req.method; // Node leaves out a HEAD answer's body
  if (method === 'GET' && pathname === '/photos') return redirect(res, 301, '/photos/');
  if (method === 'GET' && (pathname === '/' || pathname === '/photos/')) return sendShell(res, state, pathname);
  // The page's own sign-in/out. A form POST (a navigation) goes back to /photos/ (a reload); a fetch
  // gets 204. The shell signs in through Apple's frame (auth-service.mjs) instead; this stays for tools.
  if (method === 'POST' && (pathname === '/auth/signin' || pathname === '/auth/signout')) {
    req.resume();
    state.signedIn = pathname === '/auth/signin';
    if (req.headers['sec-fetch-mode'] === 'navigate') return redirect(res, 303, '/photos/');
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    return res.end();
  }
  if (method === 'GET' && pathname.startsWith('/system/') && SYSTEM_FILES[pathname.slice(8)]) {
    return sendPublicFile(res, SYSTEM_FILES[pathname.slice(8)], { csp: CSP });
  }
  const appFile = method === 'GET' && pathname.match(APP_FILE_PATH);
  if (appFile && APP_FILES[appFile[2]]) return sendAppFile(res, state, appFile[1], APP_FILES[appFile[2]]);
  if (pathname === '/favicon.ico') return sendText(res, 404, '');
  return sendText(res, 404, 'Not Found', { 'Content-Security-Policy': CSP });
}

// Signed in: the single-page shell (shell.js shows home or Photos by path). Signed out: the same
// document showing Apple's landing (Sign In). Web access off: an explanation, no app at all.
function sendShell(res, state, pathname) {
  const variant = pageVariant(state);
  const { shell, dataAccess } = stringsFor(variant.locale);
  if (state.signedIn && !state.webAccess) {
    return sendPublicFile(res, 'shell/no-web-access.html', {
      csp: CSP, values: { lang: variant.locale, heading: dataAccess.heading, body: dataAccess.body },
    });
  }
  return sendPublicFile(res, 'shell/shell.html', {
    csp: CSP,
    values: {
      lang: variant.locale,
      title: state.signedIn && pathname === '/photos/' ? shell.photosTitle : shell.homeTitle,
      session: state.signedIn ? 'signed-in' : 'signed-out',
      signOut: shell.signOut,
      accountMenu: shell.accountMenu,
      variant,
      strings: shell,
    },
  });
}

function sendAppFile(res, state, locale, relative) {
  const app = stringsFor(locale).app;
  return sendPublicFile(res, relative, {
    csp: CSP,
    values: { lang: locale, title: app.title, variant: pageVariant(state), strings: app },
  });
}
