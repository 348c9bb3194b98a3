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
