import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, type TestResponse } from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';

// A repoussoir import moving its rows in holds the repoussoir for a minute or more: the
// API's changes wait at most 10 s (by the control-plane clock), then answer 503 with
// Retry-After, having written nothing.
describe.each(testControlDbKinds())(
  'repoussoir changes during an import over HTTP (%s)',
  (kind) => {
    let api: TestApi;
    let clockOffsetMs = 0;
    let entryId = '';

    beforeAll(async () => {
      api = await startTestApi(kind);
      const added = await api.call('POST', '/v1/repoussoir', {
        token: api.tokens.operator,
        body: { kind: 'email', value: 'held.before@example.invalid', source: 'operator' },
      });
      expect(added.status, added.text).toBe(200);
      entryId = (added.json as { id: string }).id;
      const older = await api.call('POST', '/v1/repoussoir/import', {
        token: api.tokens.operator,
        body: {
          entries: [{ kind: 'email', value: 'held.older@example.invalid' }],
          scope: 'all',
          source: 'national_list',
          sourceReference: 'older list',
        },
      });
      expect(older.status, older.text).toBe(200);
    });
    afterAll(async () => {
      await api?.close();
    });

    /** An import "moving its rows": the hold and a heartbeat as fresh as the ctx clock. */
    async function holdRepoussoir(importId: string): Promise<void> {
      await api.ctx.db
        .updateTable('repoussoir_state')
        .set({ applying_import_id: importId, applying_at: api.ctx.clock() })
        .where('id', '=', 1)
        .execute();
    }

    async function releaseRepoussoir(): Promise<void> {
      await api.ctx.db
        .updateTable('repoussoir_state')
        .set({ applying_import_id: null, applying_at: null })
        .where('id', '=', 1)
        .execute();
    }

    /**
     * Calls the API while the control-plane clock moves a second at a time (never back: the
     * audit chain's times follow its order), the holder's heartbeat with it, until it answers.
     */
    async function callWhileImportMoves(
      importId: string,
      call: () => Promise<TestResponse>,
    ): Promise<TestResponse> {
      let answered = false;
      const response = call().finally(() => {
        answered = true;
      });
      while (!answered) {
        clockOffsetMs += 1000;
        api.setClockOffset(clockOffsetMs);
        await holdRepoussoir(importId);
        await delay(20);
      }
      return response;
    }

    /** Everything a refused change must leave as it was. */
    async function repoussoirSnapshot() {
      const state = await api.ctx.db
        .selectFrom('repoussoir_state')
        .select('version')
        .executeTakeFirstOrThrow();
      const entries = await api.ctx.db
        .selectFrom('repoussoir_entries')
        .select(['id', 'withdrawn_at'])
        .orderBy('id')
        .execute();
      const requests = await api.ctx.db.selectFrom('rights_requests').select('id').execute();
      const events = (await api.latestEvents(50))
        .filter((event) => /^(repoussoir|rights_request)\./.test(event.action))
        .map((event) => event.seq);
      return { version: String(state.version), entries, requests, events };
    }

    const changes: Record<string, () => { path: string; token: string; body: unknown }> = {
      add: () => ({
        path: '/v1/repoussoir',
        token: api.tokens.operator,
        body: { kind: 'email', value: 'held.add@example.invalid', source: 'operator' },
      }),
      import: () => ({
        path: '/v1/repoussoir/import',
        token: api.tokens.operator,
        body: {
          entries: [{ kind: 'phone', value: '06 12 34 56 78' }],
          scope: 'sms',
          source: 'national_list',
          sourceReference: 'held list',
        },
      }),
      'member opt-outs': () => ({
        path: '/v1/members/M01/optouts',
        token: api.tokens.m01Admin,
        body: { entries: [{ kind: 'email', value: 'held.optout@example.invalid' }] },
      }),
      'withdraw an entry': () => ({
        path: `/v1/repoussoir/entries/${entryId}/withdraw`,
        token: api.tokens.compliance,
        body: { reason: 'letter of withdrawal' },
      }),
      'withdraw a provenance': () => ({
        path: '/v1/repoussoir/withdrawals',
        token: api.tokens.compliance,
        body: { source: 'national_list', sourceReference: 'older list', reason: 'superseded' },
      }),
      'an opposition': () => ({
        path: '/v1/rights-requests',
        token: api.tokens.operator,
        body: {
          type: 'opposition',
          identity: { email: 'held.subject@example.invalid' },
          oppositionScope: 'email',
          verification: 'test only',
        },
      }),
    };

    it.each(Object.keys(changes))(
      '%s: 503 with Retry-After and nothing written while held; done once released',
      async (name) => {
        const { path, token, body } = changes[name]!();
        const importId = randomUUID();
        await holdRepoussoir(importId);
        const before = await repoussoirSnapshot();

        const refused = await callWhileImportMoves(importId, () =>
          api.call('POST', path, { token, body }),
        );
        expect(refused.status, refused.text).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('60');
        expect(refused.json).toMatchObject({
          code: 'unavailable',
          detail: 'a repoussoir import is being applied; retry in a minute',
        });
        // The hold was live all along (never discarded as abandoned) and nothing changed.
        const state = await api.ctx.db
          .selectFrom('repoussoir_state')
          .select('applying_import_id')
          .executeTakeFirstOrThrow();
        expect(state.applying_import_id).toBe(importId);
        expect(await repoussoirSnapshot()).toEqual(before);

        await releaseRepoussoir();
        const done = await api.call('POST', path, { token, body });
        expect(done.status, done.text).toBeLessThan(300);
        expect((await repoussoirSnapshot()).version).not.toBe(before.version);
        if (name === 'an opposition') {
          const requestId = (done.json as { id: string }).id;
          const entries = await api.ctx.db
            .selectFrom('repoussoir_entries')
            .select(['source', 'scope'])
            .where('source_reference', '=', requestId)
            .execute();
          expect(entries).toEqual([{ source: 'subject_request', scope: 'email' }]);
          const actions = (await api.latestEvents(3)).map((event) => event.action);
          expect(actions).toEqual([
            'repoussoir.changed',
            'rights_request.created',
            'rights_request.updated',
          ]);
        }
      },
    );

    it('declares in the OpenAPI document every status it answered', async () => {
      await expectObservedAnswersDeclared(api);
    });
  },
);
