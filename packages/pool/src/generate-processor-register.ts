import {
  appendAuditEvent,
  type ControlContext,
  getInstructionInForce,
  getMemberUsage,
  listAuditEvents,
  listInstructionVersions,
  listOrganisations,
  type TActor,
  type TOrganisation,
} from '@alliage/control';
import {
  buildProcessorRegister,
  isMember,
  type TProcessorRegister,
  type TRegisterMemberInput,
  type TRegisterProcessor,
  type TSecurityMeasure,
} from '@alliage/domain';

/** The formats the register is exported in; recorded in the audit event. */
export type TRegisterFormat = 'json' | 'markdown' | 'csv';

export interface GenerateProcessorRegisterOptions {
  /** Identity and DPO of the processor, from the configuration. */
  processor: TRegisterProcessor;
  /** Transfers outside the EU and their safeguards, from the configuration; null: none. */
  transfersOutsideEu: string | null;
  /** The measures in force, read from the running configuration (describeSecurityMeasures). */
  securityMeasures: TSecurityMeasure[];
  format: TRegisterFormat;
  /** Generation time; the control-plane clock by default. */
  at?: Date;
}

/**
 * Whether the member's deletion certificate (`member.offboarded`) was recorded after the
 * organisation's last change (its status set to offboarded among them).
 */
async function offboardingCertified(
  ctx: ControlContext,
  organisation: TOrganisation,
): Promise<boolean> {
  // Oldest first: a member has one certificate per offboarding, a handful at most.
  const page = await listAuditEvents(ctx, {
    action: ['member.offboarded'],
    organisationCode: organisation.code,
    limit: 1000,
  });
  const certificate = page.events.at(-1);
  return certificate !== undefined && certificate.occurredAt >= organisation.updatedAt;
}

/**
 * Builds the processor register (GDPR Art. 30(2)) from the control data: every
 * member but those whose offboarding is certified, its instruction in force and history, and the client
 * sectors its records were delivered to. Records `register.exported`.
 *
 * @example
 * const register = await generateProcessorRegister(ctx, actor, {
 *   processor, transfersOutsideEu: null, securityMeasures, format: 'markdown' });
 */
export async function generateProcessorRegister(
  ctx: ControlContext,
  actor: TActor,
  options: GenerateProcessorRegisterOptions,
): Promise<TProcessorRegister> {
  const at = options.at ?? ctx.clock();
  // A member whose offboarding is certified has no data left: nothing is processed for it
  // any more. One set offboarded whose deletion is not certified yet (a run stopped on a
  // pending drop, a status change alone) may still have its records in the pool: listed.
  const organisations: TOrganisation[] = [];
  for (const organisation of await listOrganisations(ctx)) {
    if (!isMember(organisation.kind)) continue;
    if (organisation.status === 'offboarded' && (await offboardingCertified(ctx, organisation))) {
      continue;
    }
    organisations.push(organisation);
  }
  const members: TRegisterMemberInput[] = [];
  for (const organisation of organisations) {
    const [inForce, history, usage] = await Promise.all([
      getInstructionInForce(ctx, organisation.code, at),
      listInstructionVersions(ctx, organisation.code),
      getMemberUsage(ctx, organisation.code),
    ]);
    members.push({
      code: organisation.code,
      name: organisation.name,
      sector: organisation.sector,
      status: organisation.status,
      contractStart: organisation.contractStart,
      contractEnd: organisation.contractEnd,
      instructionInForce: inForce
        ? {
            version: inForce.version,
            effectiveFrom: inForce.effectiveFrom,
            signedBy: inForce.signedBy,
            body: inForce.body,
          }
        : null,
      instructionHistory: history.map((version) => ({
        version: version.version,
        effectiveFrom: version.effectiveFrom,
        signedBy: version.signedBy,
      })),
      usage,
    });
  }
  const register = buildProcessorRegister({
    processor: options.processor,
    transfersOutsideEu: options.transfersOutsideEu,
    securityMeasures: options.securityMeasures,
    generatedAt: at,
    members,
  });
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'register.exported',
    actor,
    objectType: 'register',
    details: {
      format: options.format,
      generatedAt: register.generatedAt,
      controllerCount: register.controllers.length,
      outsideEu: register.transfers.outsideEu,
      measures: Object.fromEntries(
        register.securityMeasures.map((measure) => [measure.key, measure.state]),
      ),
    },
  });
  return register;
}
