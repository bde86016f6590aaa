import { InvalidInputError } from '../errors.js';

/** The command line itself is wrong (unknown type, conflicting options, nothing to read): exit status 2. */
export class UsageError extends InvalidInputError {}
