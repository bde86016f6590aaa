import { IdflowError } from '../errors.js';

/** An expression failed to compile or to evaluate. `details` holds `line`/`column` when known. */
export class ExpressionError extends IdflowError {}
