import type { TProcessorRegister, TRegisterController } from './processor-register.ts';

const STATE_LABEL = { in_force: 'yes', not_in_force: 'NO', unknown: 'unknown' } as const;

/**
 * Renders the processor register as Markdown, one record sheet per controller,
 * following the layout of the CNIL-style registers ("fiche de registre").
 *
 * @example
 * writeFileSync('register.md', formatRegisterMarkdown(register));
 */
export function formatRegisterMarkdown(register: TProcessorRegister): string {
  const lines: string[] = [
    '# Register of processing activities carried out as processor',
    '',
    '(Registre des activités de traitement du sous-traitant — GDPR Art. 30(2))',
    '',
    `Generated from the control data and the running configuration on ${register.generatedAt} (date de dernière mise à jour).`,
    '',
    '## Processor (Sous-traitant)',
    '',
    '| | |',
    '|---|---|',
    row(['Name (Nom)', register.processor.name]),
    row(['Address (Adresse)', register.processor.address ?? 'not configured']),
    row([
      'Data protection officer (Délégué à la protection des données)',
      register.processor.dpoContact ?? 'not configured',
    ]),
    '',
    '## Security measures (Mesures de sécurité)',
    '',
    'Read from the running configuration; they apply to every controller below.',
    '',
    '| Measure | In force | Detail |',
    '|---|---|---|',
    ...register.securityMeasures.map((measure) =>
      row([measure.label, STATE_LABEL[measure.state], measure.detail]),
    ),
    '',
    '## Transfers outside the EU (Transferts des données hors UE)',
    '',
    `Personal data transferred outside the European Union: ${register.transfers.outsideEu ? 'yes' : 'no'} (Oui / Non).`,
    '',
    escapeText(register.transfers.description),
    '',
    '## Summary of the register (Sommaire du registre)',
    '',
  ];
  if (register.controllers.length === 0) {
    lines.push('No member (controller) is registered.', '');
  } else {
    lines.push(
      '| # | Controller (Responsable du traitement) | Sector | Status | Instruction in force |',
    );
    lines.push('|---|---|---|---|---|');
    register.controllers.forEach((controller, index) => {
      lines.push(
        row([
          String(index + 1),
          `${controller.code} — ${controller.name}`,
          controller.sector,
          controller.status,
          controller.instruction ? `version ${controller.instruction.version}` : 'none',
        ]),
      );
    });
    lines.push('');
  }
  for (const controller of register.controllers) lines.push(...recordSheet(controller));
  return `${lines.join('\n').trimEnd()}\n`;
}

function recordSheet(controller: TRegisterController): string[] {
  const instruction = controller.instruction;
  const lines: string[] = [
    `## Record sheet: ${escapeText(controller.code)} — ${escapeText(controller.name)} (Fiche de registre de l'activité)`,
    '',
    '### Controller (Responsable du traitement)',
    '',
    '| | |',
    '|---|---|',
    row(['Code', controller.code]),
    row(['Name (Nom)', controller.name]),
    row(['Sector (Secteur)', controller.sector]),
    row(['Status (Statut)', controller.status]),
    row(['Contract start (Début du contrat)', controller.contractStart ?? 'not recorded']),
    row(['Contract end (Fin du contrat)', controller.contractEnd ?? 'not recorded']),
    '',
    '### Documented instruction in force (Instructions documentées, Art. 28(3)(a))',
    '',
  ];
  if (instruction) {
    lines.push(
      '| | |',
      '|---|---|',
      row(['Version', String(instruction.version)]),
      row(['Effective from (En vigueur depuis)', instruction.effectiveFrom]),
      row(['Signed by (Signé par)', instruction.signedBy]),
      row(['Purposes (Finalités)', instruction.purposes.join(', ')]),
      row(['Channels (Canaux)', instruction.channels.join(', ')]),
      row([
        'Third parties allowed (Tiers autorisés)',
        instruction.thirdPartyAllowed ? 'yes' : 'no',
      ]),
      row([
        'Client sectors allowed',
        instruction.clientSectorsAllow?.join(', ') ?? 'every sector not denied',
      ]),
      row(['Client sectors denied', instruction.clientSectorsDeny.join(', ') || 'none']),
      row(['Retention (Durée de conservation)', `${instruction.retentionMonths} months`]),
      '',
    );
  } else {
    lines.push('No instruction in force: no purpose is allowed and nothing is released.', '');
  }
  lines.push(
    '### Categories of processing (Objectifs poursuivis)',
    '',
    ...controller.processing.map(
      (processing, index) =>
        `${index + 1}. ${processing.category} (${processing.purpose ?? 'always performed'})`,
    ),
    '',
    '### Categories of data subjects (Catégories de personnes concernées)',
    '',
    ...controller.dataSubjects.map((subject) => `- ${subject}`),
    '',
    '### Categories of data (Catégories de données collectées)',
    '',
    ...controller.dataCategories.map((category) => `- ${category}`),
    '',
    '### Retention (Durées de conservation des catégories de données)',
    '',
    escapeText(controller.retention.rule),
    '',
    '### Recipients (Catégories de destinataires des données)',
    '',
    `Permitted by the instruction: ${escapeText(controller.recipients.permitted)}.`,
    '',
  );
  if (controller.recipients.bySector.length === 0) {
    lines.push('No delivery has used this controller’s records.', '');
  } else {
    lines.push(
      '| Client sector | Deliveries | Persons | Channels | Purposes | Last delivery |',
      '|---|---|---|---|---|---|',
      ...controller.recipients.bySector.map((sector) =>
        row([
          sector.clientSector,
          String(sector.deliveryCount),
          String(sector.personCount),
          sector.channels.join(', '),
          sector.purposes.join(', '),
          sector.lastDeliveredAt,
        ]),
      ),
      '',
    );
  }
  lines.push(
    '### Transfers outside the EU (Transferts des données hors UE)',
    '',
    escapeText(controller.transfers.description),
    '',
    '### Security measures (Mesures de sécurité)',
    '',
    'See "Security measures" above: they are the same for every controller.',
    '',
    '### Instruction history (Historique des instructions)',
    '',
  );
  if (controller.instructionHistory.length === 0) {
    lines.push('No instruction recorded.', '');
  } else {
    lines.push(
      '| Version | Effective from | Signed by |',
      '|---|---|---|',
      ...controller.instructionHistory.map((version) =>
        row([String(version.version), version.effectiveFrom, version.signedBy]),
      ),
      '',
    );
  }
  return lines;
}

/** A table row; cell text cannot break out of its cell or the table. */
function row(cells: string[]): string {
  return `| ${cells.map((cell) => escapeText(cell).replaceAll('|', '\\|')).join(' | ')} |`;
}

/** Text from the control data or the configuration, kept on one line and inert. */
function escapeText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[<>]/g, (char) => (char === '<' ? '&lt;' : '&gt;'));
}
