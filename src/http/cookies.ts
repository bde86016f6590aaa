/** The session cookie: httpOnly, SameSite=Strict, Path=/, Secure when served over TLS (docs/decisions/accounts-and-sessions.md). */
export const SESSION_COOKIE = 'idflow_session';
/** The header a browser echoes the CSRF token in, on every request that changes something. */
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie's value from a Cookie header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
