// Small HTTP response helpers shared by the stand-in's hosts.

export function sendJson(res, status, value, headers = {}) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function sendText(res, status, text, headers = {}) {
  const body = Buffer.from(text);
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function redirect(res, status, location) {
  res.writeHead(status, { Location: location, 'Content-Length': 0, 'Cache-Control': 'no-store' });
  res.end();
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readJsonBody(req) {
  const body = await readBody(req);
  return body.length ? JSON.parse(body.toString('utf8')) : {};
}

// The iCloud web app calls its service hosts (p42-*.icloud.com) cross-origin from
// https://www.icloud.com with credentials, so they answer CORS for exactly that origin.
export const PAGE_ORIGIN = 'https://www.icloud.com';

export function corsHeaders(req) {
  if (req.headers.origin !== PAGE_ORIGIN) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': PAGE_ORIGIN,
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
}

// The app's JSON requests (content-type: application/json) and byte POSTs of a typed File/Blob
// (content-type: image/jpeg, …) are not CORS-simple, so the browser asks first.
export function answerPreflight(req, res) {
  res.writeHead(204, {
    ...corsHeaders(req),
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': 'content-type',
    'Access-Control-Max-Age': '600',
    'Content-Length': 0,
  });
  res.end();
}

/**
 * The parts of a multipart/form-data body: [{name, filename?, contentType?, bytes}], or null when
 * the body is not multipart.
 */
export function parseMultipart(body, contentType = '') {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) return null;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headersAt = start + delimiter.length + 2; // past the delimiter and its CRLF
    if (body.subarray(start + delimiter.length, start + delimiter.length + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, headersAt);
    if (next === -1) return null;
    const headerEnd = body.indexOf('\r\n\r\n', headersAt);
    if (headerEnd === -1 || headerEnd > next) return null;
    const headers = body.subarray(headersAt, headerEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1],
      bytes: body.subarray(headerEnd + 4, next - 2), // the CRLF before the next delimiter is not content
    });
    start = next;
  }
  return parts;
}
