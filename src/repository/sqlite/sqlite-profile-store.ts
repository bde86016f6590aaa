import { NotFoundError } from '../../errors.js';
import { checkProfileName, type ProfileAssignResult, type ProfileAssignment, type ProfileStore } from '../profile-store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

interface AssignmentRow {
  person: string;
  profile: string;
  assigned_at: number;
  assigned_by: string;
}

/** Profile assignments in SQLite (synchronous underneath; async to share the interface with PostgreSQL). */
export class SqliteProfileStore implements ProfileStore {
  readonly kind = 'profiles' as const;
  readonly #db: SqliteDatabase;
  readonly #s: {
    readonly insert: SqliteStatement;
    readonly remove: SqliteStatement;
    readonly ofPerson: SqliteStatement;
    readonly all: SqliteStatement;
    readonly allOfPerson: SqliteStatement;
  };

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#s = {
      insert: db.prepare(
        'INSERT INTO profile_assignments (person, profile, assigned_at, assigned_by) VALUES (?, ?, ?, ?) ON CONFLICT (person, profile) DO NOTHING',
      ),
      remove: db.prepare('DELETE FROM profile_assignments WHERE person = ? AND profile = ?'),
      ofPerson: db.prepare('SELECT profile FROM profile_assignments WHERE person = ? ORDER BY profile').pluck(),
      all: db.prepare('SELECT * FROM profile_assignments ORDER BY person, profile'),
      allOfPerson: db.prepare('SELECT * FROM profile_assignments WHERE person = ? ORDER BY profile'),
    };
  }

  async assign(person: string, profiles: readonly string[], assignedBy: string, at: number): Promise<ProfileAssignResult[]> {
    checkProfileName('person', person);
    for (const p of profiles) checkProfileName('profile', p);
    return this.#db.transaction(() =>
      [...new Set(profiles)].map((profile): ProfileAssignResult => ({
        profile,
        status: this.#s.insert.run(person, profile, at, assignedBy).changes > 0 ? 'assigned' : 'unchanged',
      })),
    )();
  }

  async unassign(person: string, profiles: readonly string[]): Promise<void> {
    this.#db.transaction(() => {
      for (const profile of new Set(profiles)) {
        if (this.#s.remove.run(person, profile).changes === 0) {
          // Throwing inside the transaction rolls back the profiles removed before this one.
          throw new NotFoundError('PROFILE_NOT_ASSIGNED', `${person} does not hold the profile ${profile}`, { person, profile });
        }
      }
    })();
  }

  async profilesOf(person: string): Promise<string[]> {
    return this.#s.ofPerson.all(person) as string[];
  }

  async list(filter: { readonly person?: string } = {}): Promise<ProfileAssignment[]> {
    const rows = (filter.person !== undefined ? this.#s.allOfPerson.all(filter.person) : this.#s.all.all()) as AssignmentRow[];
    return rows.map((r) => ({ person: r.person, profile: r.profile, assignedAt: r.assigned_at, assignedBy: r.assigned_by }));
  }
}
