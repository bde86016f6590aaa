/**
 * Failures of the database itself (not of the request): the server is busy or gone, the disk is full, the database
 * is read-only or damaged. Each carries whether trying again later can succeed (`transient`), so that a worker
 * retries a round after a busy moment but stops on a full disk.
 *
 * Minimal version written for the PostgreSQL store; the "storage" work item owns this file and may extend it.
 */
import { IdflowError, type ErrorDetails } from '../errors.js';

/** Transient: the same request can succeed later (lock timeout, serialization failure, connection dropped). */
export const TRANSIENT_STORAGE_CODES = ['REPO_BUSY', 'REPO_CONNECTION_LOST'] as const;
/** Permanent until a person acts (frees disk, makes the database writable, restores it). */
export const PERMANENT_STORAGE_CODES = ['REPO_READ_ONLY', 'REPO_DISK_FULL', 'REPO_CORRUPT', 'REPO_QUERY_FAILED'] as const;

export type StorageErrorCode = (typeof TRANSIENT_STORAGE_CODES)[number] | (typeof PERMANENT_STORAGE_CODES)[number];

/** A database failure with a stable code; `transient` says whether a retry can help. */
export class StorageError extends IdflowError {
  readonly transient: boolean;

  constructor(code: StorageErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.transient = (TRANSIENT_STORAGE_CODES as readonly string[]).includes(code);
  }
}

/** True when `err` is a {@link StorageError} that a later retry may get past. */
export function isTransientStorageError(err: unknown): boolean {
  return err instanceof StorageError && err.transient;
}
