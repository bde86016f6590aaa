/**
 * The Waveset user services (issue 8): placeholder until the operations land in this file.
 */
import type { ServiceOperation } from '../engine/interpreter/interpreter-types.js';

export const WAVESET_OPERATIONS: Readonly<Record<string, ServiceOperation>> = Object.freeze({});
