// Company closures in SQLite: rows from the instance definition and rows added by admins.
import type Database from 'better-sqlite3';
import type { Closure } from '../calendar/types.ts';
import { InvalidClosureError, validateClosure, type ClosureSource, type StoredClosure } from '../calendar/closures.ts';

interface ClosureRow {
  id: number;
  start_date: string;
  end_date: string;
  name: string;
  source: string;
}

/** Company closures in the `closures` table. */
export class SqliteClosureStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  list(): StoredClosure[] {
    const rows = this.db
      .prepare('SELECT id, start_date, end_date, name, source FROM closures ORDER BY start_date, id')
      .all() as ClosureRow[];
    return rows.map((r) => ({ id: r.id, from: r.start_date, to: r.end_date, name: r.name, source: r.source }));
  }

  /** Adds a closure and returns its id; throws InvalidClosureError when `validateClosure` finds problems. */
  add(c: Closure, source: ClosureSource = 'admin'): number {
    this.assertValid(c);
    const result = this.db
      .prepare('INSERT INTO closures (start_date, end_date, name, source) VALUES (?, ?, ?, ?)')
      .run(c.from, c.to, c.name, source);
    return Number(result.lastInsertRowid);
  }

  /** Removes a closure; false when there was none with that id. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM closures WHERE id = ?').run(id).changes > 0;
  }

  /** Replaces the rows that came from the instance definition; rows added by admins stay. */
  replaceFromDefinition(closures: readonly Closure[]): void {
    for (const c of closures) this.assertValid(c);
    const insert = this.db.prepare(
      "INSERT INTO closures (start_date, end_date, name, source) VALUES (?, ?, ?, 'definition')");
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM closures WHERE source = 'definition'").run();
      for (const c of closures) insert.run(c.from, c.to, c.name);
    })();
  }

  private assertValid(c: Closure): void {
    const problems = validateClosure(c);
    if (problems.length > 0) throw new InvalidClosureError(c, problems);
  }
}
