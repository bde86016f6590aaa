import type { SourceLocation } from '../diagnostic.js';
import type { LoadContext } from '../load-context.js';
import { WavesetCodes } from './waveset-codes.js';

/** Reports every item whose name an earlier item already has (`what` = "activity", "variable"; `where` = the scope). */
export function reportDuplicateNames(
  items: readonly { readonly name: string; readonly location: SourceLocation }[],
  what: string,
  where: string,
  ctx: LoadContext,
): void {
  const first = new Map<string, SourceLocation>();
  for (const item of items) {
    const seen = first.get(item.name);
    if (seen) {
      ctx.diags.error(
        WavesetCodes.DUPLICATE_NAME,
        `${what} '${item.name}' is declared twice in ${where}; the first is at line ${seen.line}, column ${seen.column}`,
        item.location,
      );
    } else {
      first.set(item.name, item.location);
    }
  }
}
