// The iCloud Photos stand-in: one HTTPS server that answers for every iCloud host name the
// Photos page uses, chosen by the Host header. Chromium reaches it through --host-resolver-rules
// (see chromiumFlags), so the page runs at its real origin https://www.icloud.com/.
//
//   import { startStandin } from './tests/standin/server.mjs';
//   const standin = await startStandin();           // {port, url, state, close(), …}
//
//   node tests/standin/server.mjs [port]             // runs until Ctrl-C, prints the Chromium flags
import { createServer } from 'node:https';
import { pathToFileURL } from 'node:url';
import { AUTH_HOST, handleAuthHost } from './auth-service.mjs';
import { makeThrowawayCert } from './cert.mjs';
import { CONTENT_HOST, handleContentHost, isContentHost } from './content-service.mjs';
import { CONTROL_PREFIX, handleControl } from './control-api.mjs';
import { GALLERY_HOST, handleGallery } from './gallery-service.mjs';
import { LIBRARY_HOST, handleLibraryHost } from './library-service.mjs';
import { PHOTOSUPLOAD_HOST, handlePhotosUploadHost } from './photosupload-service.mjs';
import { sendText } from './responses.mjs';
import { SITE_HOST, handleSite } from './site.mjs';
import { createState, resetState, setFaults, setVariant, signOut } from './state.mjs';
import { UPLOAD_HOST, handleUploadHost } from './upload-service.mjs';

export { SITE_HOST, UPLOAD_HOST, LIBRARY_HOST, PHOTOSUPLOAD_HOST, CONTENT_HOST, AUTH_HOST, GALLERY_HOST };
export const PHOTOS_URL = `https://${SITE_HOST}/photos/`;

// Every host name the page uses; content hosts are matched by pattern (the upload URLs name one).
const HOSTS = [SITE_HOST, PHOTOSUPLOAD_HOST, CONTENT_HOST, '*.icloud-content.com', UPLOAD_HOST, LIBRARY_HOST, AUTH_HOST, GALLERY_HOST];

/** Whether `host` is one of the names the stand-in answers for (a browser's proxy asks this). */
export function isStandinHost(host) {
  return HOSTS.some((name) => (name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name));
}

/** The --host-resolver-rules value that sends the iCloud host names to the stand-in. */
export function hostResolverRules(port) {
  return HOSTS.map((host) => `MAP ${host} 127.0.0.1:${port}`).concat('EXCLUDE localhost').join(', ');
}

/** The Chromium flags a browser needs to see the stand-in as iCloud. */
export function chromiumFlags(port) {
  return [`--host-resolver-rules=${hostResolverRules(port)}`, '--ignore-certificate-errors', '--disable-quic'];
}

/**
 * Starts the stand-in on 127.0.0.1.
 * @returns {Promise<{port:number, url:string, photosUrl:string, cert:Buffer, state:object,
 *   reset():void, setFaults(config:object):void, setVariant(partial:object):object,
 *   signOut(options?:{status:421|401}):void, signIn():void, setWebAccess(on:boolean):void,
 *   close():Promise<void>}>}
 *   url is the direct address (https://127.0.0.1:PORT/) for the control API;
 *   state is live (see state.mjs): state.received = registered photos, state.stored = kept bytes,
 *   state.attempts = every upload-host request, state.variant = the page version played.
 *   setVariant merges (unknown keys/values throw); reset() restores the default variant, faults,
 *   session and an empty library.
 *   signOut() expires the session server-side: every API/content request then answers
 *   state.expiryStatus (421, or 401 with {status: 401}) and the app tells the shell, which swaps
 *   the app for its sign-in view in place. signIn() flips the server side only (no page change).
 *   setWebAccess(false) is an account with web access off (Advanced Data Protection): /photos/ then
 *   serves an explanation instead of the app, until setWebAccess(true) and a reload.
 */
export async function startStandin({ port = 0 } = {}) {
  const { key, cert } = makeThrowawayCert();
  const state = createState();
  const timers = new Set(); // late answers and paced body reads, cancelled by close()
  const gallery = new Map(); // what the non-iCloud test site serves (gallery-service.mjs)

  const server = createServer({ key, cert }, (req, res) => {
    route(req, res, state, timers, gallery).catch((error) => {
      console.error('stand-in:', error);
      if (!res.headersSent) sendText(res, 500, String(error));
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = server.address().port;

  return {
    port: actualPort,
    url: `https://127.0.0.1:${actualPort}/`,
    photosUrl: PHOTOS_URL,
    cert,
    state,
    gallery,
    reset: () => resetState(state),
    setFaults: (config) => setFaults(state, config),
    setVariant: (partial) => setVariant(state, partial),
    signOut: (options) => signOut(state, options),
    signIn: () => { state.signedIn = true; },
    setWebAccess: (on) => { state.webAccess = Boolean(on); },
    close: () => new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections(); // stalled uploads and keep-alive sockets
    }),
  };
}

async function route(req, res, state, timers, gallery) {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (host === GALLERY_HOST) return handleGallery(req, res, gallery);
  if (host === PHOTOSUPLOAD_HOST) return handlePhotosUploadHost(req, res, state, timers);
  if (isContentHost(host)) return handleContentHost(req, res, state, timers);
  if (host === UPLOAD_HOST) return handleUploadHost(req, res, state, timers);
  if (host === LIBRARY_HOST) return handleLibraryHost(req, res, state);
  if (host === AUTH_HOST) return handleAuthHost(req, res, state);
  // The control API: on the page's own host and on the direct address (127.0.0.1:PORT).
  if (req.url.startsWith(CONTROL_PREFIX)) return handleControl(req, res, state);
  if (host === SITE_HOST) return handleSite(req, res, state);
  return sendText(res, 404, `stand-in: unknown host ${host}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const standin = await startStandin({ port: Number(process.argv[2] ?? 0) });
  console.log(`photolift iCloud stand-in on port ${standin.port}`);
  console.log(`Start Chromium with:\n  ${chromiumFlags(standin.port).map((f) => `'${f}'`).join(' ')}`);
  console.log(`then open ${PHOTOS_URL}`);
  console.log(`Control API: ${standin.url}__standin/received | received/:i | stored | attempts | state | faults, variant (GET/POST) | reset | signout | signin (POST)`);
  const stop = () => standin.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
