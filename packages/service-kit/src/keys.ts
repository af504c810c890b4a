import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface KeyFiles {
  privateKeyFile: string;
  publicKeyFile: string;
}

/**
 * Creates an ES256 key pair in PEM files when neither file exists, so the
 * command API can sign tokens and the audit API verify them. Returns true if
 * it created them.
 */
export function ensureJwtKeyPair(files: KeyFiles): boolean {
  const hasPrivate = existsSync(files.privateKeyFile);
  const hasPublic = existsSync(files.publicKeyFile);
  if (hasPrivate && hasPublic) return false;
  if (hasPrivate !== hasPublic) {
    throw new Error(
      `Only one of ${files.privateKeyFile} and ${files.publicKeyFile} exists; restore the other or remove both`,
    );
  }

  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  mkdirSync(path.dirname(files.privateKeyFile), { recursive: true });
  mkdirSync(path.dirname(files.publicKeyFile), { recursive: true });
  writeFileSync(files.privateKeyFile, privateKey, { mode: 0o600 });
  writeFileSync(files.publicKeyFile, publicKey, { mode: 0o644 });

  return true;
}

export function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the JWT ${what} key at ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
