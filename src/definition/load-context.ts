import type { DiagnosticBag } from './diagnostic.js';
import type { ObjectAccount } from './waveset/waveset-object-types.js';

/** What a dialect loader gets besides the XML tree. */
export interface LoadContext {
  readonly file: string;
  readonly diags: DiagnosticBag;
  /** When given, loaders record each object element of the file and what became of it (the import summary). */
  readonly accounts?: ObjectAccount[];
}
