// A web site that is not iCloud, on its own host name: pages with images, for the context menu's
// "Upload to iCloud Photos" (tests/e2e/context-menu.test.mjs). Tests put what it serves in
// `standin.gallery`: path → {body, type, lastModified?}. Anything else answers 404.
import { sendText } from './responses.mjs';

export const GALLERY_HOST = 'www.photolift-gallery.test';

export function handleGallery(req, res, gallery) {
  const path = new URL(req.url, `https://${GALLERY_HOST}`).pathname;
  const entry = gallery.get(path);
  if (!entry) return sendText(res, 404, `gallery: no ${path}`);
  const headers = { 'content-type': entry.type, 'content-length': entry.body.length, 'cache-control': 'no-store' };
  if (entry.lastModified) headers['last-modified'] = new Date(entry.lastModified).toUTCString();
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : entry.body);
}
