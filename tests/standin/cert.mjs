// A throwaway self-signed certificate for the stand-in, made fresh at every start with the
// openssl CLI so no key ever lands in the repository and no npm cert library is needed.
// Chromium is started with --ignore-certificate-errors; Node clients can pin `cert` as their CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUBJECT_ALT_NAMES = [
  'DNS:www.icloud.com', 'DNS:*.icloud.com', 'DNS:cvws.icloud-content.com', 'DNS:*.icloud-content.com',
  'DNS:idmsa.apple.com', 'DNS:localhost', 'IP:127.0.0.1',
];

export function makeThrowawayCert() {
  const dir = mkdtempSync(join(tmpdir(), 'photolift-standin-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-nodes', '-days', '2',
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-subj', '/CN=www.icloud.com',
      // Every host the stand-in answers for (server.mjs): the iCloud hosts, the content hosts, Apple's sign-in.
      '-addext', `subjectAltName=${SUBJECT_ALT_NAMES.join(',')}`,
      '-keyout', keyPath, '-out', certPath,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(keyPath), cert: readFileSync(certPath) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
