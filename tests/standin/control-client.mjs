// A Node client for the stand-in's control API, for tests whose stand-in runs in another
// process. It trusts only the stand-in's own throwaway certificate when given (`cert`),
// otherwise it skips verification (the certificate is self-signed and made at start).
import { request } from 'node:https';

export function controlClient(baseUrl, { cert } = {}) {
  const call = (method, path, body) => new Promise((resolve, reject) => {
    const url = new URL(`__standin/${path}`, baseUrl);
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = request(url, {
      method,
      ...(cert ? { ca: cert } : { rejectUnauthorized: false }),
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
    }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        if (res.statusCode >= 400) return reject(new Error(`${method} ${url}: ${res.statusCode} ${bytes}`));
        resolve(res.headers['content-type']?.startsWith('application/json') ? JSON.parse(bytes) : bytes);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
  return {
    received: () => call('GET', 'received'),
    receivedBytes: (index) => call('GET', `received/${index}`),
    stored: () => call('GET', 'stored'),
    attempts: () => call('GET', 'attempts'),
    state: () => call('GET', 'state'),
    faults: () => call('GET', 'faults'),
    setFaults: (config) => call('POST', 'faults', config),
    variant: () => call('GET', 'variant'),
    setVariant: (partial) => call('POST', 'variant', partial),
    reset: () => call('POST', 'reset'),
    signOut: ({ status = 421 } = {}) => call('POST', 'signout', { status }),
    signIn: () => call('POST', 'signin'),
  };
}
