import { NotFoundError } from '../../errors.js';
import { checkProfileName, type ProfileAssignResult, type ProfileAssignment, type ProfileStore } from '../profile-store.js';
import { statement, type PgDatabase } from './postgres-database.js';

interface AssignmentRow {
  person: string;
  profile: string;
  assigned_at: number;
  assigned_by: string;
}

const S = {
  assign: statement(
    `INSERT INTO profile_assignments (person, profile, assigned_at, assigned_by)
     SELECT $1, p, $3, $4 FROM unnest($2::text[]) AS p ON CONFLICT (person, profile) DO NOTHING RETURNING profile`,
  ),
  unassign: statement('DELETE FROM profile_assignments WHERE person = $1 AND profile = ANY($2::text[]) RETURNING profile'),
  ofPerson: statement('SELECT profile FROM profile_assignments WHERE person = $1 ORDER BY profile COLLATE "C"'),
  all: statement('SELECT * FROM profile_assignments ORDER BY person COLLATE "C", profile COLLATE "C"'),
  allOfPerson: statement('SELECT * FROM profile_assignments WHERE person = $1 ORDER BY profile COLLATE "C"'),
};

/** Profile assignments in PostgreSQL: one statement per call, all or nothing. */
export class PostgresProfileStore implements ProfileStore {
  readonly kind = 'profiles' as const;
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async assign(person: string, profiles: readonly string[], assignedBy: string, at: number): Promise<ProfileAssignResult[]> {
    checkProfileName('person', person);
    for (const p of profiles) checkProfileName('profile', p);
    const unique = [...new Set(profiles)];
    if (unique.length === 0) return [];
    const { rows } = await this.#db.query<{ profile: string }>(S.assign, [person, unique, at, assignedBy]);
    const added = new Set(rows.map((r) => r.profile));
    return unique.map((profile) => ({ profile, status: added.has(profile) ? 'assigned' : 'unchanged' }));
  }

  async unassign(person: string, profiles: readonly string[]): Promise<void> {
    const unique = [...new Set(profiles)];
    if (unique.length === 0) return;
    await this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<{ profile: string }>(S.unassign, [person, unique]);
      const removed = new Set(rows.map((r) => r.profile));
      const missing = unique.find((p) => !removed.has(p));
      // Throwing inside the transaction rolls back the profiles removed with it.
      if (missing !== undefined) throw new NotFoundError('PROFILE_NOT_ASSIGNED', `${person} does not hold the profile ${missing}`, { person, profile: missing });
    });
  }

  async profilesOf(person: string): Promise<string[]> {
    return (await this.#db.query<{ profile: string }>(S.ofPerson, [person])).rows.map((r) => r.profile);
  }

  async list(filter: { readonly person?: string } = {}): Promise<ProfileAssignment[]> {
    const { rows } = filter.person !== undefined ? await this.#db.query<AssignmentRow>(S.allOfPerson, [filter.person]) : await this.#db.query<AssignmentRow>(S.all);
    return rows.map((r) => ({ person: r.person, profile: r.profile, assignedAt: r.assigned_at, assignedBy: r.assigned_by }));
  }
}
