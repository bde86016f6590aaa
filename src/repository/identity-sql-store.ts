/**
 * The identity store over either database: the reads and the write logic are the same SQL (src/repository/
 * identity-sql.ts); each dialect gives how to run a query and how to apply writes in one transaction.
 */
import type { AccountRow, AssignmentRow, IdentityRecordRow, IdentityRow, ResourceRow } from '../identity/identity-rows.js';
import type { AsOf, IdentityFilter, PersistReads, IdentitySnapshot, IdentityStore, ResourceFilter, SubjectKeyReads } from '../identity/identity-store.js';
import type { IdentityWrite, IdentityWriteStatus } from '../identity/identity-write.js';
import { subjectKey } from '../identity/subject-key.js';
import { pagingTerms, resourceValues, SQL, type SqlStatement, toAccount, toAssignment, toIdentity, toRecord, toResource } from './identity-sql.js';

export interface IdentitySqlDriver {
  /** Runs one statement written with `?` placeholders and returns its rows. */
  all(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Applies writes in one transaction (see identityWriteStatements). */
  applyWrites(writes: readonly IdentityWrite[]): Promise<IdentityWriteStatus[]>;
  /** Runs statements written with `?` placeholders in one transaction. */
  runTogether(statements: readonly SqlStatement[]): Promise<void>;
}

/** The key a name is looked up by, or null when it can be no login (empty, control characters). */
function keyOrNull(name: string): string | null {
  try {
    return subjectKey(name);
  } catch {
    return null;
  }
}

export class SqlIdentityStore implements IdentityStore {
  readonly kind = 'identities' as const;
  readonly #d: IdentitySqlDriver;
  /**
   * The resources with a birthright rule as of the `resources` change counter's value `mark` (-1: never read). Every
   * Persist asks for them; each ask reads the counter (bumped by every resource write, whichever process makes it)
   * and the rows only when it moved, so a rule changed by another process is seen by the next Persist here.
   */
  #birthright: { readonly mark: number; readonly rows: readonly ResourceRow[] } = { mark: -1, rows: [] };

  constructor(driver: IdentitySqlDriver) {
    this.#d = driver;
  }

  async findIdentity(idOrLogin: string): Promise<IdentitySnapshot | undefined> {
    const row = (await this.#d.all(SQL.identityByIdOrLogin, [idOrLogin, keyOrNull(idOrLogin), idOrLogin]))[0];
    return row ? this.#snapshot(toIdentity(row)) : undefined;
  }

  async persistReads(idOrLogin: string, employeeId: string | null): Promise<PersistReads> {
    const key = keyOrNull(idOrLogin);
    const rows = await this.#d.all(SQL.persistReads, [idOrLogin, key, employeeId]);
    const identities = rows.filter((r) => r['id'] !== null && r['id'] !== undefined).map(toIdentity);
    // As findIdentity: the identity whose id it is before the one whose login it is.
    const identity = identities.find((r) => r.id === idOrLogin) ?? identities.find((r) => key !== null && r.loginKey === key);
    return {
      found: identity ? await this.#snapshot(identity) : undefined,
      holder: employeeId === null ? undefined : identities.find((r) => r.employeeId === employeeId),
      birthright: await this.#birthrightAt(Number(rows[0]?.['resources_mark'] ?? 0)),
      absencesMark: Number(rows[0]?.['absences_mark'] ?? 0),
    };
  }

  async subjectKeyReads(idOrLogin: string): Promise<SubjectKeyReads> {
    const row = (await this.#d.all(SQL.subjectKeyReads, [idOrLogin, keyOrNull(idOrLogin)]))[0];
    const key = row?.['login_key'];
    return { loginKey: typeof key === 'string' ? key : undefined, absencesMark: Number(row?.['absences_mark'] ?? 0) };
  }

  async #snapshot(identity: IdentityRow): Promise<IdentitySnapshot> {
    const [records, assignments, accounts] = await Promise.all([
      this.#d.all(SQL.liveRecords, [identity.id]),
      this.#d.all(SQL.heldAssignments, [identity.id]),
      this.#d.all(SQL.accounts, [identity.id]),
    ]);
    return { identity, records: records.map(toRecord), assignments: assignments.map(toAssignment), accounts: accounts.map(toAccount) };
  }

  async findIdentityByEmployeeId(employeeId: string): Promise<IdentityRow | undefined> {
    const row = (await this.#d.all(SQL.identityByEmployeeId, [employeeId]))[0];
    return row ? toIdentity(row) : undefined;
  }

  async getResource(idOrName: string): Promise<ResourceRow | undefined> {
    const row = (await this.#d.all(SQL.resourceByIdOrName, [idOrName, keyOrNull(idOrName), idOrName]))[0];
    return row ? toResource(row) : undefined;
  }

  async getIdentity(id: string): Promise<IdentityRow | undefined> {
    const row = (await this.#d.all(SQL.identityById, [id]))[0];
    return row ? toIdentity(row) : undefined;
  }

  async listIdentities(filter: IdentityFilter = {}): Promise<IdentityRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state !== undefined) {
      where.push('state = ?');
      args.push(filter.state);
    }
    if (filter.organization !== undefined) {
      where.push('organization = ?');
      args.push(filter.organization);
    }
    return (await this.#d.all(paged('identities', filter, where, args), args)).map(toIdentity);
  }

  async recordsAsOf(identityId: string, asOf: AsOf): Promise<IdentityRecordRow[]> {
    const known = asOf.knownAt ?? Number.MAX_SAFE_INTEGER;
    const rows = await this.#d.all(SQL.recordsAsOf, [identityId, asOf.validAt, asOf.validAt, known, known, asOf.drafts ? 1 : 0]);
    return rows.map(toRecord);
  }

  async recordHistory(identityId: string): Promise<IdentityRecordRow[]> {
    return (await this.#d.all(SQL.recordHistory, [identityId])).map(toRecord);
  }

  async birthrightResources(): Promise<ResourceRow[]> {
    return this.#birthrightAt(Number((await this.#d.all(SQL.resourcesMark, []))[0]?.['value'] ?? 0));
  }

  /** The birthright resources as of the counter's value `mark`, read just before: from the copy while it is current. */
  async #birthrightAt(mark: number): Promise<ResourceRow[]> {
    if (mark !== this.#birthright.mark) {
      // Read after the counter: a write committed in between moves it again, and the next ask reads the rows again.
      this.#birthright = { mark, rows: (await this.#d.all(SQL.birthrightResources, [])).map(toResource) };
    }
    return [...this.#birthright.rows];
  }

  async listResources(filter: ResourceFilter = {}): Promise<ResourceRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    if (filter.connector !== undefined) {
      where.push('connector = ?');
      args.push(filter.connector);
    }
    return (await this.#d.all(paged('resources', filter, where, args), args)).map(toResource);
  }

  async putResource(resource: ResourceRow): Promise<ResourceRow> {
    await this.#d.runTogether([
      { sql: SQL.insertResource, params: resourceValues(resource) },
      { sql: SQL.bumpResources, params: [] },
    ]);
    return toResource((await this.#d.all(SQL.resourceByName, [resource.nameKey]))[0]!);
  }

  async listAssignments(filter: { readonly identityId?: string; readonly resourceId?: string; readonly includeRemoved?: boolean }): Promise<AssignmentRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.identityId !== undefined) {
      where.push('identity_id = ?');
      args.push(filter.identityId);
    }
    if (filter.resourceId !== undefined) {
      where.push('resource_id = ?');
      args.push(filter.resourceId);
    }
    if (!filter.includeRemoved) where.push('removed_at IS NULL');
    return (await this.#d.all(paged('assignments', {}, where, args), args)).map(toAssignment);
  }

  async listAccounts(identityId: string): Promise<AccountRow[]> {
    return (await this.#d.all(SQL.accounts, [identityId])).map(toAccount);
  }

  async dueAssignmentEnds(now: number, limit: number): Promise<AssignmentRow[]> {
    return (await this.#d.all(SQL.dueAssignmentEnds, [now, limit])).map(toAssignment);
  }

  async dueRecords(now: number, limit: number): Promise<IdentityRecordRow[]> {
    return (await this.#d.all(SQL.dueRecords, [now, limit])).map(toRecord);
  }

  apply(writes: readonly IdentityWrite[]): Promise<IdentityWriteStatus[]> {
    return writes.length === 0 ? Promise.resolve([]) : this.#d.applyWrites(writes);
  }
}

function paged(table: string, list: { readonly limit?: number } & Parameters<typeof pagingTerms>[0], where: string[], args: unknown[]): string {
  const order = pagingTerms(list, where, args);
  const sql = `SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ${order}`;
  if (list.limit === undefined) return sql;
  args.push(list.limit);
  return `${sql} LIMIT ?`;
}
