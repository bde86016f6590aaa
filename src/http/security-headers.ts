import type { FastifyReply, FastifyRequest } from 'fastify';

/** The browsable API reference needs its own scripts and styles; everything else is JSON and needs nothing. */
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
/** The console: its own stylesheet and script only (no inline script or style), forms post back to itself. */
const CONSOLE_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Headers every response carries (docs/api.md, "Security"). */
export function securityHeaders(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  reply.header('Content-Security-Policy', request.url.startsWith('/api/docs') ? DOCS_CSP : request.url.startsWith('/api/') ? API_CSP : CONSOLE_CSP);
  if (request.url.startsWith('/api/v1')) reply.header('Cache-Control', 'no-store');
  // Console pages show personal data: not kept in shared caches (its stylesheet and script set their own).
  else if (!request.url.startsWith('/api/') && !request.url.startsWith('/console/')) reply.header('Cache-Control', 'no-store');
  if (secure) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}
