import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_ACTOR } from '@alliage/control';
import { hmacSha256Hex } from '@alliage/crypto';
import { createRightsRequest } from '@alliage/rights';
import { insertFixtureRecords } from '@alliage/warehouse/testing';
import { TEST_HMAC_SECRET, type TestApi } from './api-test-env.ts';

let sampleSequence = 0;
let fixtureRecordId = 900_000;
/** The SFTP roots the sample rights requests forward into, removed after the suite. */
const sftpRoots: string[] = [];

function tempSftpRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'alliage-rights-matrix-'));
  sftpRoots.push(root);
  return root;
}

/** A fresh rights request; with `memberCode`, one of `type` (default erasure) forwarded to that member (one fixture record). */
export async function sampleRightsRequest(
  api: TestApi,
  memberCode?: string,
  type: 'erasure' | 'rectification' = 'erasure',
): Promise<string> {
  sampleSequence += 1;
  const email = `rs${sampleSequence}@example.invalid`;
  if (memberCode) {
    fixtureRecordId += 1;
    const id = fixtureRecordId;
    await api.warehouse.withWriter((connection) =>
      insertFixtureRecords(connection, [
        {
          recordId: id,
          personId: id,
          memberCode,
          customerId: `RR${id}`,
          createdAt: '2026-01-01',
          emailHmac: hmacSha256Hex(TEST_HMAC_SECRET, email),
        },
      ]),
    );
  }
  const root = tempSftpRoot();
  const request = await createRightsRequest(
    {
      ctx: api.ctx,
      warehouse: api.warehouse,
      hmacSecret: TEST_HMAC_SECRET,
      sftpRoot: root,
      // Only creates the request: the drop store is never read.
      dropStore: path.join(root, 'drop-store'),
      signingKey: { armoredPrivateKey: api.platformKey.armoredPrivateKey },
    },
    SYSTEM_ACTOR,
    {
      type: memberCode ? type : 'rectification',
      identity: { email },
      verification: 'test only',
    },
  );
  return request.id;
}

/** Removes the SFTP roots the sample rights requests forwarded into. */
export function removeSampleSftpRoots(): void {
  for (const root of sftpRoots.splice(0)) rmSync(root, { recursive: true, force: true });
}
