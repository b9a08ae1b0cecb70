import {
  appendAuditEvent,
  type ControlContext,
  getInstructionInForce,
  getMemberUsage,
  listInstructionVersions,
  listOrganisations,
  type TActor,
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
 * Builds the processor register (GDPR Art. 30(2)) from the control data: every
 * member not offboarded, its instruction in force and history, and the client
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
  // Offboarded members' records are deleted: nothing is processed for them any more.
  const organisations = (await listOrganisations(ctx)).filter(
    (organisation) => isMember(organisation.kind) && organisation.status !== 'offboarded',
  );
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
