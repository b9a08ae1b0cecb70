import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ControlSchema } from '../schema.ts';

/**
 * Makes the control plane refuse, until `restore`, every audit event matching `when` (an
 * SQL condition on the row `NEW`), as a process that dies between a pool commit and its
 * audit append would leave things: the pool changed, the chain has no event. A real
 * trigger on the real table, so the code under test runs unchanged.
 *
 * @example
 * const failure = await failAuditAppends(control.db, "NEW.action = 'pool.purged'");
 * await expect(runPoolBuild(options)).rejects.toThrow();
 * await failure.restore();
 */
export async function failAuditAppends(
  db: Kysely<ControlSchema>,
  when: string,
): Promise<{ restore: () => Promise<void> }> {
  const name = `test_fail_audit_${randomBytes(4).toString('hex')}`;
  await sql`
    CREATE FUNCTION ${sql.id(name)}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'injected failure of the audit append (test)';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER ${sql.id(name)} BEFORE INSERT ON audit_events
    FOR EACH ROW WHEN (${sql.raw(when)}) EXECUTE FUNCTION ${sql.id(name)}()`.execute(db);
  return {
    restore: async () => {
      await sql`DROP TRIGGER ${sql.id(name)} ON audit_events`.execute(db);
      await sql`DROP FUNCTION ${sql.id(name)}()`.execute(db);
    },
  };
}
