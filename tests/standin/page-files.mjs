// Serves the stand-in's page files from ./public. HTML files are templates: `{{name}}` is replaced
// by values[name], HTML-escaped, and `{{json:name}}` by values[name] as JSON that is safe inside a
// <script type="application/json"> block (the page reads such blocks; the strict CSP allows them
// because they are never executed).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sendText } from './responses.mjs';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const TYPES = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8',
};

/** Sends ./public/<relative> (filled in with `values` when it is HTML) under `csp`; 404 when absent. */
export async function sendPublicFile(res, relative, { csp, values = {}, headers = {} } = {}) {
  let body;
  try {
    body = await readFile(PUBLIC + relative);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    return sendText(res, 404, 'Not Found', { 'Content-Security-Policy': csp });
  }
  const type = relative.split('.').pop();
  if (type === 'html') body = Buffer.from(fillTemplate(body.toString('utf8'), values));
  res.writeHead(200, {
    'Content-Type': TYPES[type] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Content-Security-Policy': csp,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function fillTemplate(text, values) {
  return text.replace(/\{\{(json:)?(\w+)\}\}/g, (_, json, name) => {
    if (!(name in values)) throw new Error(`template: no value for ${name}`);
    return json ? scriptSafeJson(values[name]) : escapeHtml(values[name]);
  });
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function scriptSafeJson(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
