/**
 * Who an admin request comes from: the name of the token in its `Authorization: Bearer` header, or
 * null. The guess is hashed and compared with every token's digest by timingSafeEqual (no early exit on
 * the first byte, nor on the first token that matches), so the time taken tells nothing of the secrets.
 */
import { timingSafeEqual } from 'node:crypto';
import { digestOf, type AdminToken } from './admin-options';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function operatorOf(tokens: readonly AdminToken[], authorization: string | undefined): string | null {
  const match = authorization === undefined ? null : BEARER.exec(authorization);
  if (match === null) return null;
  const guess = digestOf(match[1]!);
  let who: string | null = null;
  for (const token of tokens) if (timingSafeEqual(guess, token.digest) && who === null) who = token.name;
  return who;
}

/** The answer to a request without a valid token. */
export function unauthorized(): Response {
  return Response.json(
    { error: { status: 401, message: 'An admin token is required: send Authorization: Bearer <token>.' } },
    { status: 401, headers: { 'www-authenticate': 'Bearer realm="switchboard admin"' } },
  );
}
