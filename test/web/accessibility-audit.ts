/**
 * A small accessibility audit run inside the browser on a console page (docs/console.md, "Accessibility"): what the
 * console promises and a person with a screen reader, a keyboard only or low vision would notice first.
 * - every visible form control has a label (`<label for>`, a wrapping label, `aria-label` or `aria-labelledby`);
 * - every button and link has a name; every table has header cells; the page has `lang`, a title and one `<h1>`;
 * - no positive `tabindex`, so the keyboard follows the page's order; the first Tab stop is the skip link;
 * - text contrast meets WCAG AA (4.5:1, 3:1 for large text) against the background it is drawn on;
 * - nothing is wider than the window (the page reflows instead of scrolling sideways; wide tables scroll in their box).
 */
import type { Page } from 'playwright-core';

/** tsx compiles the functions below with esbuild's `__name` helper, which the page does not have. */
async function shim(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
}

export async function accessibilityProblems(page: Page): Promise<string[]> {
  await shim(page);
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element): string => `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? ` name=${el.getAttribute('name')}` : ''}>`;
    const visible = (el: Element): boolean => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
    };
    if (!document.documentElement.lang) problems.push('the page has no lang');
    if (!document.title.trim()) problems.push('the page has no title');
    if (document.querySelectorAll('h1').length !== 1) problems.push(`the page has ${document.querySelectorAll('h1').length} <h1>`);

    for (const el of document.querySelectorAll('input, select, textarea')) {
      const input = el as HTMLInputElement;
      if (input.type === 'hidden') continue;
      const labelled =
        (input.id !== '' && document.querySelector(`label[for="${CSS.escape(input.id)}"]`) !== null) ||
        input.closest('label') !== null ||
        (input.getAttribute('aria-label') ?? '').trim() !== '' ||
        (input.getAttribute('aria-labelledby') ?? '').trim() !== '';
      if (!labelled) problems.push(`${describe(el)} has no label`);
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      const name = (el.textContent ?? '').trim() || el.getAttribute('aria-label') || el.getAttribute('title');
      if (!name) problems.push(`${describe(el)} has no name`);
    }
    for (const table of document.querySelectorAll('table')) {
      if (table.querySelector('th') === null) problems.push(`${describe(table)} has no header cells`);
    }
    for (const el of document.querySelectorAll('[tabindex]')) {
      if (Number(el.getAttribute('tabindex')) > 0) problems.push(`${describe(el)} has a positive tabindex: the keyboard order differs from the page's`);
    }

    // Contrast: each element that draws text of its own, against the first opaque background behind it.
    const rgb = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [0, 0, 0, 0];
    };
    const luminance = ([r, g, b]: readonly number[]): number => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): [number, number, number, number] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.99) return c;
      }
      return [255, 255, 255, 1];
    };
    const seen = new Set<string>();
    for (const el of document.querySelectorAll('body *')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!ownText || !visible(el)) continue;
      const s = getComputedStyle(el);
      const fg = rgb(s.color);
      const bg = background(el);
      const light = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (light[0] + 0.05) / (light[1] + 0.05);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      const key = `${s.color}/${bg.join(',')}`;
      if (ratio < needed && !seen.has(key)) {
        seen.add(key);
        problems.push(`${describe(el)} "${(el.textContent ?? '').trim().slice(0, 30)}" has contrast ${ratio.toFixed(2)}:1 (needs ${needed}:1)`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
    }
    return problems;
  });
}

/** The names of the first `count` elements the Tab key reaches on the page freshly loaded. */
export async function tabOrder(page: Page, count: number): Promise<string[]> {
  // Loaded again: after a blur, Chromium would go on from where the focus was, not from the top.
  await page.goto(page.url());
  await shim(page);
  const order: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    order.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return '';
        const outline = getComputedStyle(el).outlineStyle;
        const name = (el.textContent ?? '').trim() || el.getAttribute('aria-label') || el.getAttribute('name') || el.tagName.toLowerCase();
        return outline === 'none' ? `${name} (no focus outline)` : name;
      }),
    );
  }
  return order;
}
