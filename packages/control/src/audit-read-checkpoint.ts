import { verifySignedText } from '@alliage/crypto';
import { AppError, parseInput } from '@alliage/domain';
import { type TCheckpoint, ZCheckpoint } from './audit-checkpoint.ts';

/**
 * Verifies a signed checkpoint against the trusted platform keys and returns it;
 * AppError validation_failed when the signature, the content or the signer is wrong.
 *
 * @example
 * const checkpoint = await readAuditCheckpoint(await readFile('checkpoint.asc', 'utf8'), [platformPublicKey]);
 * const result = await verifyAuditChain(ctx, { checkpoint });
 */
export async function readAuditCheckpoint(
  signedText: string,
  armoredPublicKeys: string[],
): Promise<TCheckpoint> {
  const { text, signerFingerprint } = await verifySignedText({
    signedMessage: signedText,
    armoredPublicKeys,
  });
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', 'signed checkpoint is not JSON');
  }
  const checkpoint = parseInput(ZCheckpoint, content, 'checkpoint');
  // The checkpoint says which platform key made it; another trusted key signing
  // it means it was not made by createAuditCheckpoint as recorded.
  if (checkpoint.platformFingerprint !== signerFingerprint) {
    throw new AppError(
      'validation_failed',
      'checkpoint names a platform key other than the one that signed it',
    );
  }
  return checkpoint;
}
