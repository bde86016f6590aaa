/**
 * The URL with its password (and any password query parameter) replaced by `***`, for messages and logs.
 * Its own file so that naming a URL in a message never loads the PostgreSQL driver.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@')
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}
