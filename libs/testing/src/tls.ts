import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PemText } from '@prism/config';
import { generate } from 'selfsigned';

/** A self-signed certificate for 127.0.0.1, ::1 and localhost, in files of a temporary folder. */
export interface TestCertificate {
  /** PEM text of the certificate, which is also its own CA. */
  cert: PemText;
  /** PEM text of its private key. */
  key: PemText;
  /** The files as a service reads them: serve with the certificate, trust it when calling others. */
  env: { PRISM_TLS_CERT_FILE: string; PRISM_TLS_KEY_FILE: string; PRISM_TLS_CA_FILE: string };
  /** Deletes the files. */
  remove(): void;
}

/** Made at test time, so no key file is ever committed. EC P-256: a fraction of RSA's key time. */
export async function selfSignedCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const folder = mkdtempSync(join(tmpdir(), 'prism-tls-'));
  const certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return {
    cert: pems.cert as PemText,
    key: pems.private as PemText,
    env: { PRISM_TLS_CERT_FILE: certFile, PRISM_TLS_KEY_FILE: keyFile, PRISM_TLS_CA_FILE: certFile },
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
