import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { appendAuditEvent, type TOrganisationKey } from '@alliage/control';
import { encryptAndSign, type TDecryptionKeyInput } from '@alliage/crypto';
import { writeOutboxFile } from '@alliage/delivery';
import { offboardingExportFileName } from '@alliage/domain';
import { exportMemberData } from '@alliage/warehouse';
import type {
  OffboardMemberOptions,
  TOffboardingExport,
  TOffboardingExportFile,
} from './offboard-member.ts';

/**
 * Writes the member's data, encrypted to its key and signed, into its `reports/`,
 * then records `member.data_exported` (file names, sizes, hashes, row counts): the
 * data has left the pool, whatever happens to the run after. Its file names carry a
 * run drawn at random (`offboardingExportFileName`): an export written again after a
 * run died before recording its own never takes a name the member may have seen.
 *
 * @example
 * const exported = await writeOffboardingExport(options, member.id, recipientKey, signingKey, now);
 */
export async function writeOffboardingExport(
  options: OffboardMemberOptions,
  memberId: string,
  recipientKey: TOrganisationKey,
  signingKey: TDecryptionKeyInput,
  now: Date,
): Promise<TOffboardingExport> {
  const data = await exportMemberData(options.warehouse, options.memberCode);
  const run = randomBytes(4).toString('hex');
  const directory = path.join(options.sftpRoot, options.memberCode, 'reports');
  const files: TOffboardingExportFile[] = [];
  let fingerprints = { recipient: '', signer: '' };
  for (const [kind, csv, rows] of [
    ['customers', data.customersCsv, data.records],
    ['transactions', data.transactionsCsv, data.transactions],
  ] as const) {
    const fileName = offboardingExportFileName(now, run, kind);
    const encrypted = await encryptAndSign({
      data: Buffer.from(csv, 'utf8'),
      recipientArmoredPublicKey: recipientKey.publicKey,
      signingArmoredPrivateKey: signingKey.armoredPrivateKey,
      passphrase: signingKey.passphrase,
      fileName: fileName.replace(/\.gpg$/, ''),
      now,
    });
    const written = await writeOutboxFile({ directory, fileName, data: encrypted.message });
    files.push({ fileName, sizeBytes: written.sizeBytes, sha256: written.sha256, rows });
    fingerprints = {
      recipient: encrypted.recipientFingerprint,
      signer: encrypted.signerFingerprint,
    };
  }
  const exported = {
    recipientKeyFingerprint: fingerprints.recipient,
    signerFingerprint: fingerprints.signer,
    files,
  };
  await appendAuditEvent(options.ctx.db, options.ctx.clock, {
    action: 'member.data_exported',
    actor: options.actor,
    objectType: 'organisation',
    objectId: memberId,
    organisationCode: options.memberCode,
    details: { reason: 'offboarding', ...exported },
  });
  return exported;
}
