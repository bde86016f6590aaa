import type { Caller } from '../access/caller.js';
import { html, raw, type Html } from './html.js';

export interface PageContext {
  readonly caller?: Caller;
  readonly csrf?: string;
  /** Administrators see the Identities and Repository entries (the pages refuse others anyway). */
  readonly administrator?: boolean;
  /** Those who may import HR files (`mayImportHr`) see the HR imports entry. */
  readonly hrImports?: boolean;
}

export interface PageOptions {
  /**
   * Reload the page after this many seconds (a running HR import's progress): a meta refresh, so it works without
   * the script and under the CSP.
   */
  readonly refreshSeconds?: number;
}

const NAV: readonly { readonly href: string; readonly label: string; readonly admin?: boolean; readonly hr?: boolean }[] = [
  { href: '/inbox', label: 'My Tasks' },
  { href: '/launch', label: 'Launch' },
  { href: '/tasks', label: 'Manage Tasks' },
  { href: '/definitions', label: 'Definitions' },
  { href: '/hr-imports', label: 'HR imports', hr: true },
  { href: '/identities', label: 'Identities', admin: true },
  { href: '/repository', label: 'Repository', admin: true },
];

/** The hidden field every console form carries (checked against the session's CSRF token). */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}">`;
}

export function page(ctx: PageContext, current: string, title: string, body: Html, options: PageOptions = {}): string {
  const nav = ctx.caller
    ? html`<nav aria-label="Main"><ul>${NAV.filter((n) => (!n.admin || ctx.administrator) && (!n.hr || ctx.hrImports)).map(
        (n) => html`<li><a href="${n.href}"${raw(current === n.href ? ' aria-current="page"' : '')}>${n.label}</a></li>`,
      )}</ul></nav>
      <div class="who"><span>Signed in as <strong id="who">${ctx.caller.person}</strong></span>
      <form method="post" action="/sign-out">${csrfField(ctx)}<button class="secondary" type="submit">Sign out</button></form></div>`
    : raw('');
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${title} · idflow</title><link rel="stylesheet" href="/console/console.css"><script src="/console/console.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="/">idflow</a>${nav}</header>
<main id="main"><h1>${title}</h1>${body}</main></body></html>`.text;
}
