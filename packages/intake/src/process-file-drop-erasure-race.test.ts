// An erasure confirmed while a drop of the same member, holding the erased customer, is
// on its way into the pool: the customer must not come back. Real control plane (PGlite,
// and PostgreSQL when DATABASE_URL is set), real pool, real GnuPG. The interleaving is
// forced with hooks, not sleeps: the drop's read of the suppressions is held (a kysely
// plugin on the drop's connection) until the erasure has asked for the pool's writer.
import { cliActor, type TActor } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { confirmRightsErasure, createRightsRequest, type TRightsDeps } from '@alliage/rights';
import type { TWarehouse } from '@alliage/warehouse';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processFileDrop } from './process-file-drop.ts';
import { createIntakeTestEnv, type TIntakeTestEnv } from './testing/create-intake-test-env.ts';

const actor = cliActor('test');
const HEADER =
  'customer_id,civility,first_name,last_name,address_complement,address_building,street,address_locality,postcode,city,country,email,phone_mobile,phone_landline,birth_date,optin_email,optin_sms,optin_phone,created_at';
// Synthetic people only.
const ERASED =
  'C1,M,Jean,CANARI,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.canari@exemple.test,06 12 34 56 78,,1970-03-12,1,1,1,2026-01-10';
const KEPT =
  'C2,MME,Marie,DURAND,,,3 rue de la Paix,,69002,LYON,FR,marie.durand@exemple.test,06 98 76 54 32,,1980-01-01,1,1,1,2026-01-10';
const NEW =
  'C3,M,Paul,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,paul.martin@exemple.test,07 11 22 33 44,,1975-05-05,1,1,1,2026-01-10';
const M01_ADMIN: TActor = {
  ref: 'principal:m01-admin',
  principalId: null,
  role: 'member_admin',
  organisationId: null,
  organisationCode: 'M01',
};

/** Whether a query reads the `suppressions` table (the drop's read of the member's erasures). */
function readsSuppressions(node: RootOperationNode): boolean {
  return node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"suppressions"');
}

/** A plugin that holds the first read of `suppressions` after it ran, until `release` settles. */
function holdFirstSuppressionsRead(release: Promise<void>, onRead: () => void): KyselyPlugin {
  const held = new Set<string>();
  let armed = true;
  return {
    transformQuery(args) {
      if (armed && readsSuppressions(args.node)) {
        armed = false;
        held.add(args.queryId.queryId);
      }
      return args.node;
    },
    async transformResult(args) {
      if (held.delete(args.queryId.queryId)) {
        onRead();
        await release;
      }
      return args.result;
    },
  };
}

/** Calls `onCall` at the next call of `warehouse.withWriter`, once it has taken its place. */
function watchNextWriterCall(warehouse: TWarehouse, onCall: () => void): () => void {
  const original = warehouse.withWriter;
  warehouse.withWriter = <T>(work: Parameters<TWarehouse['withWriter']>[0]) => {
    warehouse.withWriter = original;
    const queued = original(work) as Promise<T>;
    onCall();
    return queued;
  };
  return () => {
    warehouse.withWriter = original;
  };
}

describe.skipIf(!hasGpg).each(testControlDbKinds())(
  'an erasure confirmed while a drop of the same member loads (%s)',
  (kind) => {
    let env: TIntakeTestEnv;
    let rights: TRightsDeps;

    beforeAll(async () => {
      env = await createIntakeTestEnv(kind, 'alliage-intake-erasure-');
      const { deps, platform } = env;
      rights = {
        ctx: deps.ctx,
        warehouse: deps.warehouse,
        // The same secret as intake: requests match the records' keyed hashes.
        hmacSecret: deps.hmacSecret,
        sftpRoot: deps.sftpRoot,
        dropStore: deps.dropStore,
        signingKey: { armoredPrivateKey: platform.armoredPrivateKey },
      };
    });
    afterAll(async () => {
      await env?.cleanup();
    });

    const customers = (fileName: string, lines: string[]) =>
      env.drop(fileName, `${[HEADER, ...lines].join('\n')}\n`);
    const customersInPool = async () => {
      const connection = await env.pool.warehouse.connect();
      try {
        const rows = await connection.runAndReadAll(
          `SELECT customer_id FROM customer_records WHERE member_code = 'M01'
           UNION ALL SELECT customer_id FROM transactions WHERE member_code = 'M01'
           ORDER BY 1`,
        );
        return rows.getRowsJS().map(([customerId]) => customerId);
      } finally {
        connection.closeSync();
      }
    };

    it('does not bring the erased customer back when the erasure reaches the pool first', async () => {
      const base = await customers('M01_customers_20261201.csv.gpg', [ERASED, KEPT]);
      expect(await processFileDrop(env.deps, base.registered.id)).toMatchObject({
        status: 'accepted',
      });
      expect(await customersInPool()).toEqual(['C1', 'C2']);
      const request = await createRightsRequest(rights, actor, {
        type: 'erasure',
        identity: { email: 'jean.canari@exemple.test' },
        verification: 'ID card copy',
      });
      expect(request.items.map((item) => [item.memberCode, item.customerIds])).toEqual([
        ['M01', ['C1']],
      ]);

      // The member's next full base, which still lists the erased customer, comes in.
      const resent = await customers('M01_customers_20261202.csv.gpg', [ERASED, KEPT, NEW]);
      let release = () => {};
      const erasureAtWriter = new Promise<void>((resolve) => {
        release = resolve;
      });
      let suppressionsRead = () => {};
      const read = new Promise<void>((resolve) => {
        suppressionsRead = resolve;
      });
      const held = holdFirstSuppressionsRead(erasureAtWriter, suppressionsRead);
      const loading = processFileDrop(
        { ...env.deps, ctx: { ...env.ctx, db: env.ctx.db.withPlugin(held) } },
        resent.registered.id,
      );
      // The drop has read the member's suppressions (none yet): the erasure now records
      // its suppression and asks for the pool's writer, and only then does the drop go on.
      await read;
      const restore = watchNextWriterCall(env.pool.warehouse, release);
      try {
        const [loaded, erased] = await Promise.all([
          loading,
          confirmRightsErasure(rights, M01_ADMIN, { memberCode: 'M01', requestId: request.id }),
        ]);
        expect(erased.status).toBe('erasure_confirmed');
        expect(loaded).toMatchObject({ status: 'accepted' });
      } finally {
        restore();
      }
      expect(await customersInPool()).toEqual(['C2', 'C3']);
    }, 120_000);
  },
);
