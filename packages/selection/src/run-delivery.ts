import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type ControlContext,
  completeDelivery,
  createDelivery,
  failDelivery,
  getOrganisation,
  getSelection,
  isKeyUsable,
  listOrganisationKeys,
  listSeedContactsInUse,
  SYSTEM_ACTOR,
  type TDelivery,
  type TOrganisationKey,
} from '@alliage/control';
import { encryptAndSign, type TDecryptionKeyInput } from '@alliage/crypto';
import {
  assignRowIds,
  deliveryFileName,
  deriveDeliveryRandomness,
  formatDeliveryCsv,
  formatDeliveryPhone,
  generateSeedIdentities,
  interleaveSeeds,
  seedCommunesOf,
  type TSeedIdentity,
  writeOutboxFile,
} from '@alliage/delivery';
import { AppError, isAppError } from '@alliage/domain';
import { extractSelection, forgetDeliveredPersons, type TWarehouse } from '@alliage/warehouse';
import { buildSelectionScope } from './build-selection-scope.ts';
import { syncPoolRepoussoir } from './count-selection-audience.ts';
import type { TSelectionSettings } from './selection-settings.ts';
import { toDeliveryRow } from './to-delivery-row.ts';

const DAY_MS = 86_400_000;

export interface RunDeliveryOptions {
  ctx: ControlContext;
  warehouse: TWarehouse;
  settings: TSelectionSettings;
  /** SFTP storage root: the file goes to `<root>/<CLIENT>/out/`. */
  sftpRoot: string;
  /** The platform key deliveries are signed with (the current one). */
  signingKey: TDecryptionKeyInput;
  selectionId: string;
  /**
   * The platform's keyed-hash secret (`ALLIAGE_HMAC_SECRET`): a delivery's sample, seeds
   * and row IDs derive from it and the delivery ID, so every attempt draws the same.
   */
  hmacSecret: string;
}

/**
 * The delivery job of an approved selection: extracts the persons under the
 * rules in force now (field provenance, consent, retention, repoussoir), adds
 * the seed records, writes the CSV, encrypts it to the client's registered key,
 * signs it with the platform key, writes it into the client's `out/` (temporary
 * name, size and SHA-256 checked, then renamed) and records it. Idempotent per
 * selection: a delivered selection returns its delivery; a retried attempt draws the
 * same persons, seeds and row IDs (on an unchanged pool) and replaces a file a crashed
 * attempt left. A client without a usable key fails
 * the delivery permanently, with a clear error. A client that is not active gets
 * nothing (checked first and again before the file is written): the delivery fails
 * `client_inactive`; for a suspended client the selection stays approved, and the
 * delivery runs again once the client is reactivated.
 *
 * @example
 * const delivery = await runDelivery({ ctx, warehouse, settings, sftpRoot, signingKey, selectionId });
 */
export async function runDelivery(options: RunDeliveryOptions): Promise<TDelivery> {
  const { ctx, settings } = options;
  const selection = await getSelection(ctx, options.selectionId);
  const now = ctx.clock();
  const existing = await createDelivery(ctx, {
    selectionId: selection.id,
    expiresAt: new Date(now.getTime() + settings.deliveryExpiryDays * DAY_MS),
  });
  if (existing.status === 'written' || existing.status === 'expired') return existing;
  if (selection.status !== 'approved') {
    throw new AppError(
      'conflict',
      `selection ${selection.id} is ${selection.status}, not approved`,
    );
  }
  const delivery = existing;
  // Fixed per delivery, not per attempt: a retry (a transient error, a client suspended
  // then reactivated) draws the persons, seeds and row IDs the first attempt drew, as long
  // as the pool has not changed; unpredictable to the client, who does not hold the secret.
  const { sampleSeed, random } = deriveDeliveryRandomness({
    hmacSecret: options.hmacSecret,
    deliveryId: delivery.id,
  });
  // Named by the delivery's creation, not this attempt's day: a retry on a later day then
  // replaces what an interrupted attempt left in out/ instead of leaving it beside.
  const fileName = deliveryFileName({ deliveryId: delivery.id, createdAt: delivery.createdAt });
  const outbox = path.join(options.sftpRoot, selection.clientOrgCode, 'out');
  try {
    await assertClientActive(ctx, selection.clientOrgCode);
    const recipientKey = await usableClientKey(ctx, selection.clientOrgCode, now);
    const { scope, permittingInstructionVersions } = await buildSelectionScope(ctx, selection, now);
    await syncPoolRepoussoir(ctx, options.warehouse);
    const quantity = selection.orderedQuantity ?? settings.countThreshold;
    const extracted = await extractSelection(options.warehouse, {
      criteria: selection.criteria,
      scope,
      quantity,
      randomSeed: sampleSeed,
      deliveryId: delivery.id,
    });
    // Fewer real persons than the smallest count ever shown: a file of a handful of persons
    // among its seeds would single them out, whatever the count the client was answered
    // (a near count reads as its neighbour's number). Said without the number.
    if (extracted.persons.length < settings.countThreshold) {
      throw new AppError(
        'validation_failed',
        `the audience holds fewer persons than the smallest delivery (${settings.countThreshold}): nothing is delivered`,
        { retry: false },
      );
    }
    const realRows = extracted.persons.map((person) => toDeliveryRow(person, selection.channel));
    // Postal seeds in the delivery's own communes, so geography does not single them out.
    const communes = selection.channel === 'postal' ? seedCommunesOf(realRows) : [];
    // Contacts other deliveries' seeds hold: drawn again, this one could never be completed
    // (the unique index refuses it, and the draw is the same on every retry).
    const contactKind =
      selection.channel === 'email'
        ? 'email'
        : selection.channel === 'sms' || selection.channel === 'phone'
          ? 'phone'
          : null;
    // The seeds' phones are in the file's form (0639981234), the control plane's in E.164.
    const takenContacts = contactKind
      ? new Set(
          [...(await listSeedContactsInUse(ctx, contactKind))].map((contact) =>
            contactKind === 'phone' ? formatDeliveryPhone(contact) : contact,
          ),
        )
      : undefined;
    const seeds = generateSeedIdentities({
      count: settings.seedCount,
      deliveryId: delivery.id,
      random,
      channel: selection.channel,
      ...(takenContacts ? { takenContacts } : {}),
      seedEmailDomain: settings.seedEmailDomain,
      ...(settings.seedPhonePrefix ? { seedPhonePrefix: settings.seedPhonePrefix } : {}),
      ...(communes.length > 0 ? { communes } : {}),
    });
    const rows = assignRowIds(interleaveSeeds(realRows, seeds, random), random);
    const encrypted = await encryptAndSign({
      data: formatDeliveryCsv(rows, selection.channel),
      recipientArmoredPublicKey: recipientKey.publicKey,
      signingArmoredPrivateKey: options.signingKey.armoredPrivateKey,
      passphrase: options.signingKey.passphrase,
      fileName: fileName.replace(/\.gpg$/, ''),
      now,
    });
    // Suspended while the file was being made (a seed-hit alert): nothing reaches out/.
    await assertClientActive(ctx, selection.clientOrgCode);
    // A crashed earlier attempt of this same delivery may have left its file.
    await rm(path.join(outbox, fileName), { force: true });
    const written = await writeOutboxFile({
      directory: outbox,
      fileName,
      data: encrypted.message,
    });
    const seedRows = rows.filter((row): row is TSeedIdentity => 'seed' in row && row.seed === true);
    return await completeDelivery(ctx, SYSTEM_ACTOR, {
      deliveryId: delivery.id,
      fileName,
      sizeBytes: written.sizeBytes,
      sha256: written.sha256,
      rowCount: rows.length,
      recipientKeyFingerprint: encrypted.recipientFingerprint,
      signerFingerprint: encrypted.signerFingerprint,
      seeds: seedRows.map((seed) => ({
        rowId: seed.rowId,
        civility: seed.civility,
        firstName: seed.firstName,
        lastName: seed.lastName,
        addressLines: seed.addressLines,
        postcode: seed.postcode,
        email: seed.email,
        phone: seed.phone === null ? null : e164FromDeliveryPhone(seed.phone),
      })),
      memberUsage: extracted.memberUsage,
      instructionVersions: permittingInstructionVersions,
    });
  } catch (error) {
    // Permanent problems (no usable key, nothing to deliver, a client not active) fail the
    // delivery; transient ones are left pending for the queue's retry, which starts clean.
    const failure = deliveryFailureOf(error);
    if (failure) {
      await failDelivery(ctx, SYSTEM_ACTOR, { deliveryId: delivery.id, ...failure });
      // A failed delivery leaves nothing behind: no file the client could fetch, no persons
      // recorded as delivered to it. Best effort: the error to report is the first one, and
      // a retried attempt clears both again.
      await Promise.allSettled([
        rm(path.join(outbox, fileName), { force: true }),
        forgetDeliveredPersons(options.warehouse, delivery.id),
      ]);
    }
    throw error;
  }
}

/** How a permanent error is recorded on the delivery; null for one the queue retries. */
function deliveryFailureOf(
  error: unknown,
): { errorCode: string; errorMessage: string; retryable?: boolean } | null {
  if (error instanceof ClientInactiveError) {
    return {
      errorCode: 'client_inactive',
      errorMessage: error.message,
      retryable: error.retryableAfterReactivation,
    };
  }
  if (isAppError(error) && !error.retry && error.code !== 'conflict') {
    return { errorCode: error.code, errorMessage: error.message };
  }
  return null;
}

/** A client that is not active receives nothing; a suspension may be lifted, an offboarding not. */
class ClientInactiveError extends AppError {
  readonly retryableAfterReactivation: boolean;

  constructor(clientCode: string, status: string) {
    const suspended = status === 'suspended';
    super(
      'forbidden',
      `client ${clientCode} is ${status}: nothing is delivered to a client that is not active` +
        (suspended ? '; the delivery runs again once the client is reactivated' : ''),
    );
    this.retryableAfterReactivation = suspended;
  }
}

/** Throws ClientInactiveError unless the client is active now. */
async function assertClientActive(ctx: ControlContext, clientCode: string): Promise<void> {
  const client = await getOrganisation(ctx, clientCode);
  if (client.status !== 'active') throw new ClientInactiveError(clientCode, client.status);
}

/** The client's newest PGP key that is neither revoked nor expired at `now`. */
async function usableClientKey(
  ctx: ControlContext,
  clientCode: string,
  now: Date,
): Promise<TOrganisationKey> {
  const keys = await listOrganisationKeys(ctx, { organisationCode: clientCode, keyType: 'pgp' });
  const usable = keys
    .filter((key) => isKeyUsable(key, now))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const key = usable[0];
  if (!key) {
    throw new AppError(
      'validation_failed',
      `client ${clientCode} has no valid PGP key (none registered, or all expired or revoked): register a valid key`,
      { retry: false },
    );
  }
  return key;
}

/** Back from the file's dialable form (`06…`, `0032…`) to the E.164 the control plane keys seeds by. */
function e164FromDeliveryPhone(phone: string): string {
  if (phone.startsWith('00')) return `+${phone.slice(2)}`;
  if (phone.startsWith('0')) return `+33${phone.slice(1)}`;
  return phone;
}
