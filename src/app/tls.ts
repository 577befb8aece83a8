// HTTPS for the line: browsers give the microphone (getUserMedia) only to secure origins, so an
// agent's softphone on another office machine needs https:// — and then SIP over WebSocket is
// wss:// on the same port. Either the office's own certificate (--tls-cert/--tls-key) or one
// made here (--self-signed), kept in the data directory so browsers trust it once, not per start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  /** PEM certificate (chain) and private key. */
  cert: string;
  key: string;
}

export function readTlsFiles(certFile: string, keyFile: string): TlsFiles {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** Where the self-signed certificate is kept: <dataDir>/tls/self-signed.{crt,key}. */
export function selfSignedPaths(dataDir: string): { cert: string; key: string } {
  return { cert: join(dataDir, 'tls', 'self-signed.crt'), key: join(dataDir, 'tls', 'self-signed.key') };
}

/**
 * A self-signed certificate for these host names and addresses (localhost and 127.0.0.1 always),
 * reused while it covers them and is valid for another 30 days; otherwise a new one (825 days,
 * the longest validity Apple platforms accept for a server certificate).
 */
export async function selfSignedCertificate(dataDir: string, hosts: readonly string[], now = new Date()): Promise<TlsFiles & { created: boolean; file: string }> {
  const paths = selfSignedPaths(dataDir);
  const names = [...new Set(['localhost', '127.0.0.1', ...hosts.filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::')])];
  if (existsSync(paths.cert) && existsSync(paths.key)) {
    const cert = readFileSync(paths.cert, 'utf8');
    const x509 = new X509Certificate(cert);
    const covers = names.every((n) => (net.isIP(n) ? x509.checkIP(n) : x509.checkHost(n)) !== undefined);
    const fresh = Date.parse(x509.validTo) - now.getTime() > 30 * 86_400_000;
    if (covers && fresh) return { cert, key: readFileSync(paths.key, 'utf8'), created: false, file: paths.cert };
  }
  const notAfter = new Date(now.getTime() + 825 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: names.find((n) => !net.isIP(n) && n !== 'localhost') ?? names[0] ?? 'localhost' }, { name: 'organizationName', value: 'chokutsu (self-signed)' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now.getTime() - 60_000), notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (net.isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  mkdirSync(join(dataDir, 'tls'), { recursive: true });
  writeFileSync(paths.key, pems.private, { mode: 0o600 });
  writeFileSync(paths.cert, pems.cert);
  return { cert: pems.cert, key: pems.private, created: true, file: paths.cert };
}
