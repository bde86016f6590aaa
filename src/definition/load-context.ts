import type { DiagnosticBag } from './diagnostic.js';

/** What a dialect loader gets besides the XML tree. */
export interface LoadContext {
  readonly file: string;
  readonly diags: DiagnosticBag;
}
