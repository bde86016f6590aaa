/**
 * The identity store's SQL, written once for SQLite and PostgreSQL (the statements use `?` placeholders; the
 * PostgreSQL store numbers them), and the mapping between rows and the types of src/identity/identity-rows.ts.
 *
 * A write ({@link IdentityWrite}) is a flat list of statements whose first one is the compare-and-set on the
 * identity's revision (an insert that meets an existing id or login, or an update that meets another revision,
 * changes no row: the write is a `conflict` and the caller rolls back to before it). Everything after it is
 * unconditional: on PostgreSQL the compare-and-set holds the identity's row lock until the transaction ends, so
 * two writers of one identity are serialised, and the order numbers (`account_seq`, taken with MAX + 1 inside the
 * transaction) cannot race.
 */
import type { XValue } from '../expression/env.js';
import type { AccountRow, AssignmentRow, IdentityRecordRow, IdentityRow, ResourceRow } from '../identity/identity-rows.js';
import type { IdentityWrite } from '../identity/identity-write.js';
import type { BirthrightRule } from '../identity/birthright.js';
import type { ListPaging } from './runtime-store.js';

export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const IDENTITY_COLUMNS = ['id', 'login', 'login_key', 'employee_id', 'state', 'manager_id', 'organization', 'revision', 'created_at', 'updated_at'];
const RECORD_COLUMNS = ['id', 'identity_id', 'kind', 'valid_from', 'valid_until', 'data', 'draft', 'recorded_at', 'superseded_at', 'applied_at', 'instance_id'];
const ASSIGNMENT_COLUMNS = [
  'id', 'identity_id', 'resource_id', 'workflow_state', 'provisioning_state', 'source', 'valid_from', 'valid_until', 'instance_id', 'last_error', 'removed_at', 'created_at', 'updated_at',
];
const ACCOUNT_COLUMNS = ['identity_id', 'connector', 'target_key', 'login', 'state', 'created_at', 'updated_at'];
const RESOURCE_COLUMNS = ['id', 'kind', 'name', 'name_key', 'display_name', 'description', 'connector', 'target_key', 'owners', 'birthright', 'created_at', 'updated_at'];

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
const sets = (columns: readonly string[], except: readonly string[]): string =>
  columns.filter((c) => !except.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ');

const identityValues = (i: IdentityRow): unknown[] => [i.id, i.login, i.loginKey, i.employeeId, i.state, i.managerId, i.organization, i.revision, i.createdAt, i.updatedAt];
const recordValues = (r: IdentityRecordRow): unknown[] => [
  r.id, r.identityId, r.kind, r.validFrom, r.validUntil, JSON.stringify(r.data), r.draft ? 1 : 0, r.recordedAt, r.supersededAt, r.appliedAt, r.instanceId,
];
const assignmentValues = (a: AssignmentRow): unknown[] => [
  a.id, a.identityId, a.resourceId, a.workflowState, a.provisioningState, a.source, a.validFrom, a.validUntil, a.instanceId, a.lastError, a.removedAt, a.createdAt, a.updatedAt,
];
const accountValues = (a: AccountRow): unknown[] => [a.identityId, a.connector, a.targetKey, a.login, a.state, a.createdAt, a.updatedAt];
export const resourceValues = (r: ResourceRow): unknown[] => [
  r.id, r.kind, r.name, r.nameKey, r.displayName, r.description, r.connector, r.targetKey, JSON.stringify(r.owners), r.birthright === null || r.birthright === undefined ? null : JSON.stringify(r.birthright), r.createdAt, r.updatedAt,
];

export const SQL = {
  insertIdentity: `INSERT INTO identities (${IDENTITY_COLUMNS.join(', ')}) VALUES (${marks(IDENTITY_COLUMNS.length)}) ON CONFLICT DO NOTHING`,
  updateIdentity: `UPDATE identities SET login = ?, login_key = ?, employee_id = ?, state = ?, manager_id = ?, organization = ?, revision = ?, updated_at = ? WHERE id = ? AND revision = ?`,
  insertRecord: `INSERT INTO identity_records (${RECORD_COLUMNS.join(', ')}) VALUES (${marks(RECORD_COLUMNS.length)}) ON CONFLICT (id) DO NOTHING`,
  supersede: `UPDATE identity_records SET superseded_at = ? WHERE id = ? AND superseded_at IS NULL`,
  markApplied: `UPDATE identity_records SET applied_at = ? WHERE id = ? AND applied_at IS NULL`,
  upsertAssignment: `INSERT INTO assignments (${ASSIGNMENT_COLUMNS.join(', ')}) VALUES (${marks(ASSIGNMENT_COLUMNS.length)})
    ON CONFLICT (id) DO UPDATE SET ${sets(ASSIGNMENT_COLUMNS, ['id', 'identity_id', 'resource_id', 'created_at'])}`,
  upsertAccount: `INSERT INTO accounts (${ACCOUNT_COLUMNS.join(', ')}) VALUES (${marks(ACCOUNT_COLUMNS.length)})
    ON CONFLICT (identity_id, connector) DO UPDATE SET ${sets(ACCOUNT_COLUMNS, ['identity_id', 'connector', 'created_at'])}`,
  // The next number of the account, read in the same statement that takes it (see the file comment).
  insertOrder: `INSERT INTO provisioning_orders (id, identity_id, connector, account_seq, operation, payload, resource_id, assignment_id,
      idempotency_key, state, attempts, not_before, instance_id, wait, created_at, updated_at)
    VALUES (?, ?, ?, (SELECT COALESCE(MAX(account_seq), 0) + 1 FROM provisioning_orders WHERE identity_id = ? AND connector = ?),
      ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)
    ON CONFLICT (idempotency_key) DO NOTHING`,
  identityById: 'SELECT * FROM identities WHERE id = ?',
  identityByEmployeeId: 'SELECT * FROM identities WHERE employee_id = ?',
  identityByIdOrLogin: 'SELECT * FROM identities WHERE id = ? OR login_key = ? ORDER BY (id = ?) DESC LIMIT 1',
  /**
   * What a Persist reads first, in one statement (each standalone read is a read transaction of its own): the
   * `resources` and `absences` change counters (see resourcesMark; the absence store's inForce) and at most three identities (by id, by login, by employee id,
   * each through its own unique index); one row of NULL identity columns when none matches.
   */
  persistReads: `SELECT m.resources_mark, m.absences_mark, i.* FROM (SELECT COALESCE((SELECT value FROM change_counters WHERE name = 'resources'), 0) AS resources_mark,
      COALESCE((SELECT value FROM change_counters WHERE name = 'absences'), 0) AS absences_mark) m
    LEFT JOIN identities i ON i.id = ? OR i.login_key = ? OR i.employee_id = ?`,
  /** A launch's subject lookup (IdentityReader.subjectKeyReads): no sort, no row but the key. */
  subjectKeyReads: `SELECT COALESCE((SELECT value FROM change_counters WHERE name = 'absences'), 0) AS absences_mark,
    COALESCE((SELECT login_key FROM identities WHERE id = ?), (SELECT login_key FROM identities WHERE login_key = ?)) AS login_key`,
  liveRecords: 'SELECT * FROM identity_records WHERE identity_id = ? AND superseded_at IS NULL ORDER BY kind, valid_from, recorded_at, id',
  recordHistory: 'SELECT * FROM identity_records WHERE identity_id = ? ORDER BY recorded_at, kind, valid_from, id',
  recordsAsOf: `SELECT * FROM identity_records WHERE identity_id = ? AND valid_from <= ? AND (valid_until IS NULL OR valid_until > ?)
    AND recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?) AND (draft = 0 OR ? = 1) ORDER BY kind, valid_from, recorded_at, id`,
  heldAssignments: 'SELECT * FROM assignments WHERE identity_id = ? AND removed_at IS NULL ORDER BY created_at, id',
  accounts: 'SELECT * FROM accounts WHERE identity_id = ? ORDER BY connector',
  resourceByIdOrName: 'SELECT * FROM resources WHERE id = ? OR name_key = ? ORDER BY (id = ?) DESC LIMIT 1',
  resourceByName: 'SELECT * FROM resources WHERE name_key = ?',
  birthrightResources: 'SELECT * FROM resources WHERE birthright IS NOT NULL ORDER BY name_key',
  // The `resources` change counter (no row until the first resource write): a copy of the birthright resources read
  // at one value is current while the counter holds it.
  resourcesMark: `SELECT value FROM change_counters WHERE name = 'resources'`,
  // Bumped in the transaction of every resource write (the row is made by the first): see resourcesMark.
  bumpResources: `INSERT INTO change_counters (name, value) VALUES ('resources', 1) ON CONFLICT (name) DO UPDATE SET value = change_counters.value + 1`,
  insertResource: `INSERT INTO resources (${RESOURCE_COLUMNS.join(', ')}) VALUES (${marks(RESOURCE_COLUMNS.length)})
    ON CONFLICT (name_key) DO UPDATE SET ${sets(RESOURCE_COLUMNS, ['id', 'name_key', 'created_at'])}`,
  dueAssignmentEnds: `SELECT * FROM assignments WHERE removed_at IS NULL AND valid_until IS NOT NULL AND valid_until <= ?
    ORDER BY valid_until, id LIMIT ?`,
  dueRecords: `SELECT * FROM identity_records WHERE valid_from <= ? AND applied_at IS NULL AND draft = 0 AND superseded_at IS NULL
    ORDER BY valid_from, id LIMIT ?`,
} as const;

/** The statements of one write: `cas` first (must change one row), then the rest. */
export function identityWriteStatements(w: IdentityWrite): { cas: SqlStatement; rest: SqlStatement[] } {
  const i = w.identity;
  const cas: SqlStatement =
    w.expectedRevision === null
      ? { sql: SQL.insertIdentity, params: identityValues(i) }
      : {
          sql: SQL.updateIdentity,
          params: [i.login, i.loginKey, i.employeeId, i.state, i.managerId, i.organization, i.revision, i.updatedAt, i.id, w.expectedRevision],
        };
  const rest: SqlStatement[] = [];
  // Superseded first: a record replaced and a record added in one write never both look live.
  for (const id of w.supersede ?? []) rest.push({ sql: SQL.supersede, params: [w.at, id] });
  for (const id of w.markApplied ?? []) rest.push({ sql: SQL.markApplied, params: [w.at, id] });
  for (const r of w.records ?? []) rest.push({ sql: SQL.insertRecord, params: recordValues(r) });
  for (const a of w.assignments ?? []) rest.push({ sql: SQL.upsertAssignment, params: assignmentValues(a) });
  for (const a of w.accounts ?? []) rest.push({ sql: SQL.upsertAccount, params: accountValues(a) });
  for (const o of w.orders ?? []) {
    rest.push({
      sql: SQL.insertOrder,
      params: [
        o.id, o.identityId, o.connector, o.identityId, o.connector, o.operation, JSON.stringify(o.payload), o.resourceId, o.assignmentId,
        o.idempotencyKey, o.notBefore, o.instanceId, o.wait ? 1 : 0, o.createdAt, o.createdAt,
      ],
    });
  }
  return { cas, rest };
}

/** `?` placeholders numbered for PostgreSQL (`$1`, `$2`, …). The identity SQL holds no `?` inside literals. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The WHERE terms and ORDER BY of a keyset-paged list by (created_at, id), as the runtime store's lists page. */
export function pagingTerms(paging: ListPaging, where: string[], args: unknown[]): string {
  const desc = paging.order === 'desc';
  if (paging.createdFrom !== undefined) {
    where.push('created_at >= ?');
    args.push(paging.createdFrom);
  }
  if (paging.createdTo !== undefined) {
    where.push('created_at < ?');
    args.push(paging.createdTo);
  }
  if (paging.after !== undefined) {
    where.push(desc ? '(created_at, id) < (?, ?)' : '(created_at, id) > (?, ?)');
    args.push(paging.after.createdAt, paging.after.id);
  }
  return desc ? 'ORDER BY created_at DESC, id DESC' : 'ORDER BY created_at, id';
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function toIdentity(r: Row): IdentityRow {
  return {
    id: String(r['id']),
    login: String(r['login']),
    loginKey: String(r['login_key']),
    employeeId: strOrNull(r['employee_id']),
    state: r['state'] as IdentityRow['state'],
    managerId: strOrNull(r['manager_id']),
    organization: strOrNull(r['organization']),
    revision: num(r['revision']),
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  };
}

export function toRecord(r: Row): IdentityRecordRow {
  return {
    id: String(r['id']),
    identityId: String(r['identity_id']),
    kind: r['kind'] as IdentityRecordRow['kind'],
    validFrom: num(r['valid_from']),
    validUntil: numOrNull(r['valid_until']),
    data: json<Record<string, XValue>>(r['data']),
    draft: num(r['draft']) === 1,
    recordedAt: num(r['recorded_at']),
    supersededAt: numOrNull(r['superseded_at']),
    appliedAt: numOrNull(r['applied_at']),
    instanceId: strOrNull(r['instance_id']),
  };
}

export function toAssignment(r: Row): AssignmentRow {
  return {
    id: String(r['id']),
    identityId: String(r['identity_id']),
    resourceId: String(r['resource_id']),
    workflowState: r['workflow_state'] as AssignmentRow['workflowState'],
    provisioningState: r['provisioning_state'] as AssignmentRow['provisioningState'],
    source: String(r['source']),
    validFrom: numOrNull(r['valid_from']),
    validUntil: numOrNull(r['valid_until']),
    instanceId: strOrNull(r['instance_id']),
    lastError: strOrNull(r['last_error']),
    removedAt: numOrNull(r['removed_at']),
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  };
}

export function toAccount(r: Row): AccountRow {
  return {
    identityId: String(r['identity_id']),
    connector: String(r['connector']),
    targetKey: strOrNull(r['target_key']),
    login: String(r['login']),
    state: r['state'] as AccountRow['state'],
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  };
}

export function toResource(r: Row): ResourceRow {
  return {
    id: String(r['id']),
    kind: r['kind'] as ResourceRow['kind'],
    name: String(r['name']),
    nameKey: String(r['name_key']),
    displayName: strOrNull(r['display_name']),
    description: strOrNull(r['description']),
    connector: strOrNull(r['connector']),
    targetKey: strOrNull(r['target_key']),
    owners: json<string[]>(r['owners']),
    birthright: r['birthright'] === null || r['birthright'] === undefined ? null : json<BirthrightRule>(r['birthright']),
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  };
}
