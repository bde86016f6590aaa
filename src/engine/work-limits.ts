import { InvalidInputError } from '../errors.js';
import type { WorkLimits } from './engine-api.js';
import { DEFAULT_ADVANCE_LIMITS, type AdvanceLimits } from './interpreter/work-budget.js';

const NAMES = Object.keys(DEFAULT_ADVANCE_LIMITS) as (keyof AdvanceLimits)[];

/**
 * The engine option `limits`, checked once and completed with the defaults: every limit a positive integer
 * (`ENGINE_OPTION_INVALID` names the first that is not, and an unknown name, so a typo does not silently keep a
 * default).
 */
export function compileWorkLimits(limits: WorkLimits | undefined): AdvanceLimits {
  if (limits === undefined) return DEFAULT_ADVANCE_LIMITS;
  if (limits === null || typeof limits !== 'object') {
    throw new InvalidInputError('ENGINE_OPTION_INVALID', 'limits must be an object of named limits', {});
  }
  for (const key of Object.keys(limits)) {
    if (!(NAMES as string[]).includes(key)) {
      throw new InvalidInputError('ENGINE_OPTION_INVALID', `limits.${key} is not a limit; known: ${NAMES.join(', ')}`, { option: `limits.${key}` });
    }
  }
  const out: Record<string, number> = { ...DEFAULT_ADVANCE_LIMITS };
  for (const key of NAMES) {
    const v = limits[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new InvalidInputError('ENGINE_OPTION_INVALID', `limits.${key} must be a positive integer, not ${String(v)}`, { option: `limits.${key}` });
    }
    out[key] = v;
  }
  return Object.freeze(out) as unknown as AdvanceLimits;
}
