// The customer directory in SQLite (the DynamoDB table of the original).
import type Database from 'better-sqlite3';
import type { Customer, CustomerDirectory } from '../directory/customers.ts';
import { encodeCustomerCursor, type CustomerPage, type CustomerQuery } from '../directory/search.ts';

interface CustomerRow {
  customer_number: string;
  name: string;
  queue: string;
}

function toCustomer(row: CustomerRow): Customer {
  return { customerNumber: row.customer_number, name: row.name, queue: row.queue };
}

export class SqliteCustomerDirectory implements CustomerDirectory {
  readonly #db: Database.Database;
  readonly #find: Database.Statement<[string], CustomerRow>;
  readonly #list: Database.Statement<[], CustomerRow>;
  readonly #count: Database.Statement<[], { n: number }>;
  readonly #upsert: Database.Statement<[string, string, string, string]>;
  readonly #remove: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#find = db.prepare('SELECT customer_number, name, queue FROM customers WHERE customer_number = ?');
    // Numbers are text (leading zeros matter); order by length first so 9 sorts before 10.
    this.#list = db.prepare(
      'SELECT customer_number, name, queue FROM customers ORDER BY length(customer_number), customer_number');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM customers');
    this.#upsert = db.prepare(`
      INSERT INTO customers (customer_number, name, queue, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (customer_number) DO UPDATE SET
        name = excluded.name, queue = excluded.queue, updated_at = excluded.updated_at`);
    this.#remove = db.prepare('DELETE FROM customers WHERE customer_number = ?');
  }

  find(customerNumber: string): Customer | undefined {
    const row = this.#find.get(customerNumber);
    return row === undefined ? undefined : toCustomer(row);
  }

  list(): Customer[] {
    return this.#list.all().map(toCustomer);
  }

  /**
   * One page in the directory's order, after the cursor's customer number (a keyset, so a page
   * costs the same wherever it is); `text` matches a customer number prefix or part of a name.
   */
  page(q: CustomerQuery): CustomerPage {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.text !== undefined) {
      const like = q.text.replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push("(customer_number LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')");
      params.push(`${like}%`, `%${like}%`);
    }
    if (q.after !== undefined) {
      where.push('(length(customer_number) > ? OR (length(customer_number) = ? AND customer_number > ?))');
      params.push(q.after.length, q.after.length, q.after);
    }
    const rows = this.#db.prepare(`SELECT customer_number, name, queue FROM customers
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY length(customer_number), customer_number LIMIT ?`).all(...params, q.limit + 1) as CustomerRow[];
    const shown = rows.slice(0, q.limit);
    const last = shown[shown.length - 1];
    return { customers: shown.map(toCustomer), ...(rows.length > q.limit && last ? { nextCursor: encodeCustomerCursor(last.customer_number) } : {}) };
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }

  /** Upserts every customer in one transaction: a failure leaves the directory as it was. */
  importAll(customers: Customer[], now: Date): { inserted: number; updated: number } {
    const updatedAt = now.toISOString();
    return this.#db.transaction(() => {
      let inserted = 0;
      let updated = 0;
      for (const c of customers) {
        if (this.#find.get(c.customerNumber) === undefined) inserted++;
        else updated++;
        this.#upsert.run(c.customerNumber, c.name, c.queue, updatedAt);
      }
      return { inserted, updated };
    })();
  }

  /** Returns whether a customer was removed. */
  remove(customerNumber: string): boolean {
    return this.#remove.run(customerNumber).changes > 0;
  }
}
