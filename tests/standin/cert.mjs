// A throwaway self-signed certificate for the stand-in, made fresh at every start with the
// openssl CLI so no key ever lands in the repository and no npm cert library is needed.
// Chromium is started with --ignore-certificate-errors; Node clients can pin `cert` as their CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeThrowawayCert() {
  const dir = mkdtempSync(join(tmpdir(), 'photolift-standin-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-nodes', '-days', '2',
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-subj', '/CN=www.icloud.com',
      '-addext', 'subjectAltName=DNS:www.icloud.com,DNS:*.icloud.com,DNS:localhost,IP:127.0.0.1',
      '-keyout', keyPath, '-out', certPath,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(keyPath), cert: readFileSync(certPath) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
