/**
 * A numbered, forward-only schema change. Each migration carries the SQL for both databases so that the
 * PostgreSQL repository (roadmap) applies the same history.
 */
export interface Migration {
  /** 1, 2, 3 … applied in order; never renumber a released migration. */
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}
