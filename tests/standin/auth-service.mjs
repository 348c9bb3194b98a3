// idmsa.apple.com: Apple's sign-in widget, which the iCloud shell frames (iframe#aid-auth-widget-iFrame)
// once the user clicks Sign In. A small page of its own under its own strict CSP (frameable only by
// iCloud): an account field, a password field and a Continue button. Continue POSTs
// /appleauth/auth/signin, which signs the session in (state.signedIn = true), and the page then
// posts {type: 'complete', iframeId} to the shell at the redirect_uri origin. No password is checked.
import { localeOrDefault, stringsFor } from './locales.mjs';
import { sendPublicFile } from './page-files.mjs';
import { sendJson, sendText } from './responses.mjs';

export const AUTH_HOST = 'idmsa.apple.com';
const PAGE_ORIGINS = ['https://www.icloud.com', 'https://www.icloud.com.cn'];
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  `frame-ancestors ${PAGE_ORIGINS.join(' ')}`,
].join('; ');
const STATIC = {
  '/appleauth/static/signin.js': 'idmsa/signin.js',
  '/appleauth/static/signin.css': 'idmsa/signin.css',
};

export async function handleAuthHost(req, res, state) {
  const url = new URL(req.url, `https://${AUTH_HOST}`);
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /appleauth/auth/authorize/signin') return sendWidget(res, url.searchParams);
  if (route === 'POST /appleauth/auth/signin') {
    req.resume();
    state.signedIn = true;
    return sendJson(res, 200, { authType: 'non-sa' });
  }
  if (req.method === 'GET' && STATIC[url.pathname]) return sendPublicFile(res, STATIC[url.pathname], { csp: CSP });
  return sendText(res, 404, 'Not Found', { 'Content-Security-Policy': CSP });
}

// language=de_DE → de-de; the widget answers only the origins it serves (redirect_uri).
function sendWidget(res, params) {
  const redirectUri = params.get('redirect_uri');
  if (!PAGE_ORIGINS.includes(redirectUri)) return sendText(res, 400, 'invalid redirect_uri');
  const locale = localeOrDefault((params.get('language') ?? '').toLowerCase().replace('_', '-'));
  const { auth } = stringsFor(locale);
  return sendPublicFile(res, 'idmsa/signin.html', {
    csp: CSP,
    values: { lang: locale, ...auth, config: { iframeId: params.get('iframeId') ?? '', redirectUri } },
  });
}
