import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden } from './errors.ts';

export const ROLES = ['root', 'admin', 'seller'] as const;
export type Role = (typeof ROLES)[number];

/** Claims of an access token. `sub` is the user id. */
export interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

export interface JwtOptions {
  publicKey: string;
  /** Present only in the service that issues tokens. */
  privateKey?: string;
  expiresIn?: string;
}

/**
 * Registers @fastify/jwt with ES256 only, so `alg: none` and HMAC tokens are
 * rejected. `authenticate(request)` then checks a request's bearer token.
 */
export async function registerJwt(app: FastifyInstance, options: JwtOptions): Promise<void> {
  await app.register(fastifyJwt, {
    secret: options.privateKey
      ? { private: options.privateKey, public: options.publicKey }
      : { public: options.publicKey },
    sign: { algorithm: 'ES256', expiresIn: options.expiresIn ?? '1h' },
    verify: { algorithms: ['ES256'] },
  });
}

/** Verifies the bearer token and sets `request.user`, or throws a 401 AppError. */
export async function authenticate(request: FastifyRequest): Promise<TokenClaims> {
  try {
    await request.jwtVerify();
  } catch (error) {
    const expired = (error as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
    throw new AppError(
      401,
      expired ? 'TOKEN_EXPIRED' : 'UNAUTHORIZED',
      expired ? 'The bearer token has expired; log in again' : 'Missing or invalid bearer token',
    );
  }
  const claims = request.user;
  if (!claims || typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) {
    throw new AppError(401, 'UNAUTHORIZED', 'The bearer token lacks sub, username or role');
  }

  return claims;
}

/** Throws 403 unless `claims.role` is one of `roles`. */
export function requireRole(claims: TokenClaims, roles: readonly Role[], action: string): void {
  if (!roles.includes(claims.role)) {
    throw forbidden(`Role ${claims.role} may not ${action}; requires ${roles.join(' or ')}`);
  }
}
