// Signing and checking access tokens outside a Fastify request, so the HTTP
// routes and the NATS responder authenticate the same way.
import type { FastifyInstance } from 'fastify';
import { ROLES, unauthorized, type TokenClaims } from '@stock-audit/service-kit';

/** Claims of a verified token, with `iat`, its issue time in whole seconds since the epoch. */
export interface VerifiedClaims extends TokenClaims {
  iat?: number;
}

export interface TokenService {
  /** Signs an ES256 token with `sub`, `username`, `role` and the configured expiry. */
  sign(claims: TokenClaims): string;
  /** Returns the claims of a valid token, or throws a 401 AppError. */
  verify(token: string): VerifiedClaims;
}

const EXPIRED_CODES = new Set(['FAST_JWT_EXPIRED', 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED']);

/** Builds a TokenService on the @fastify/jwt instance that `registerJwt` added to `app`. */
export function jwtTokenService(app: FastifyInstance): TokenService {
  return {
    sign: (claims) =>
      app.jwt.sign({ sub: claims.sub, username: claims.username, role: claims.role }),

    verify(token) {
      let claims: VerifiedClaims;
      try {
        claims = app.jwt.verify<VerifiedClaims>(token);
      } catch (error) {
        if (EXPIRED_CODES.has((error as { code?: string }).code ?? '')) {
          throw unauthorized('The bearer token has expired; log in again', 'TOKEN_EXPIRED');
        }
        throw unauthorized();
      }
      if (
        typeof claims.sub !== 'string' ||
        typeof claims.username !== 'string' ||
        !ROLES.includes(claims.role)
      ) {
        throw unauthorized('The bearer token lacks sub, username or role');
      }

      return claims;
    },
  };
}
