// www.icloud.com: the shell page at /photos/ and the Photos app it frames at
// /applications/photos3/current/en-us/index.html. Static files from ./public, every answer
// under the strict CSP below. The CSP lacks 'wasm-unsafe-eval' on purpose: the real site may
// send such a policy, and it makes WebAssembly fail in content scripts (Chromium bug 1385796).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { redirect, sendText } from './responses.mjs';

export const SITE_HOST = 'www.icloud.com';
export const APP_PATH = '/applications/photos3/current/en-us/';
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https://*.icloud.com",
  "connect-src 'self' https://*.icloud.com",
  "frame-src 'self'",
].join('; ');

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

// path → file under ./public; the shell's file depends on the session.
const FILES = {
  '/system/shell.css': 'shell/shell.css',
  '/system/shell.js': 'shell/shell.js',
  [`${APP_PATH}index.html`]: 'photos3/index.html',
  [`${APP_PATH}app.js`]: 'photos3/app.js',
  [`${APP_PATH}app.css`]: 'photos3/app.css',
};

export async function handleSite(req, res, state) {
  const { pathname } = new URL(req.url, `https://${SITE_HOST}`);
  const method = req.method === 'HEAD' ? 'GET' : req.method; // Node leaves out a HEAD answer's body
  if (method === 'GET' && pathname === '/') return redirect(res, 302, '/photos/');
  if (method === 'GET' && pathname === '/photos') return redirect(res, 301, '/photos/');
  if (method === 'GET' && pathname === '/photos/') {
    if (!state.signedIn) return sendFile(res, 'shell/signin.html');
    return sendFile(res, state.webAccess ? 'shell/photos.html' : 'shell/no-web-access.html');
  }
  // The page's own sign-in/out. A form POST (a navigation) goes back to /photos/ (a reload);
  // the shell's in-place sign-in calls it with fetch and gets 204.
  if (method === 'POST' && (pathname === '/auth/signin' || pathname === '/auth/signout')) {
    req.resume();
    state.signedIn = pathname === '/auth/signin';
    if (req.headers['sec-fetch-mode'] === 'navigate') return redirect(res, 303, '/photos/');
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    return res.end();
  }
  if (method === 'GET' && FILES[pathname]) return sendFile(res, FILES[pathname]);
  if (pathname === '/favicon.ico') return sendText(res, 404, '');
  return sendText(res, 404, 'Not Found', { 'Content-Security-Policy': CSP });
}

async function sendFile(res, relative) {
  const body = await readFile(PUBLIC + relative);
  res.writeHead(200, {
    'Content-Type': TYPES[relative.split('.').pop()],
    'Content-Length': body.length,
    'Content-Security-Policy': CSP,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
