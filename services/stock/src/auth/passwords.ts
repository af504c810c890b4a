// Password and reset-code hashing with Node's scrypt. A hash reads
// `$scrypt$N=16384,r=8,p=1$<salt>$<key>` (base64url), so its parameters can
// change later without breaking stored hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const DEFAULT_COST = 16_384;

function scryptAsync(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes `secret` with a fresh salt; `cost` is scrypt's N, a power of two. */
export async function hashSecret(secret: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const options = { N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 };
  const key = await scryptAsync(secret, salt, options);

  return `$scrypt$N=${cost},r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks `secret` against a hash from `hashSecret` in constant time. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const match = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(hash);
  if (!match) return false;

  const [, n, r, p, salt, expected] = match;
  const cost = Number(n);
  const options = { N: cost, r: Number(r), p: Number(p), maxmem: 256 * cost * Number(r) };
  const key = await scryptAsync(secret, Buffer.from(salt!, 'base64url'), options);
  const expectedKey = Buffer.from(expected!, 'base64url');

  return expectedKey.length === key.length && timingSafeEqual(key, expectedKey);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification against a throwaway hash, so a login
 * for an unknown user takes as long as one with a wrong password.
 */
export async function verifyAgainstDummy(secret: string, cost = DEFAULT_COST): Promise<false> {
  dummyHash ??= hashSecret(randomBytes(16).toString('hex'), cost);
  await verifySecret(secret, await dummyHash);

  return false;
}
