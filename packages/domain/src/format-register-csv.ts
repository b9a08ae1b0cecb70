import { formatCsvCell } from './neutralise-csv-cell.ts';
import type { TProcessorRegister } from './processor-register.ts';

/** Columns of the CSV register, in order. */
export const REGISTER_CSV_COLUMNS = [
  'generated_at',
  'processor_name',
  'processor_address',
  'processor_dpo',
  'controller_code',
  'controller_name',
  'controller_sector',
  'controller_status',
  'contract_start',
  'contract_end',
  'processing_category',
  'purpose',
  'instruction_version',
  'instruction_effective_from',
  'instruction_signed_by',
  'channels',
  'third_parties_allowed',
  'client_sectors_allowed',
  'client_sectors_denied',
  'recipients_by_sector',
  'retention_months',
  'transfers_outside_eu',
  'security_measures',
  'instruction_history',
] as const;

/**
 * Renders the register as CSV (RFC 4180, CRLF), one row per controller × category
 * of processing; cells that a spreadsheet would run as a formula start with `'`.
 *
 * @example
 * writeFileSync('register.csv', formatRegisterCsv(register));
 */
export function formatRegisterCsv(register: TProcessorRegister): string {
  const measures = register.securityMeasures
    .map((measure) => `${measure.key}=${measure.state}: ${measure.detail}`)
    .join('; ');
  const rows: string[][] = [[...REGISTER_CSV_COLUMNS]];
  for (const controller of register.controllers) {
    const instruction = controller.instruction;
    const recipients = controller.recipients.bySector
      .map(
        (sector) =>
          `${sector.clientSector}: ${sector.deliveryCount} deliveries, ${sector.personCount} persons`,
      )
      .join('; ');
    const history = controller.instructionHistory
      .map(
        (version) =>
          `v${version.version} from ${version.effectiveFrom} signed by ${version.signedBy}`,
      )
      .join('; ');
    for (const processing of controller.processing) {
      rows.push([
        register.generatedAt,
        register.processor.name,
        register.processor.address ?? '',
        register.processor.dpoContact ?? 'not configured',
        controller.code,
        controller.name,
        controller.sector,
        controller.status,
        controller.contractStart ?? '',
        controller.contractEnd ?? '',
        processing.category,
        processing.purpose ?? 'always',
        instruction ? String(instruction.version) : '',
        instruction?.effectiveFrom ?? '',
        instruction?.signedBy ?? '',
        instruction?.channels.join(' ') ?? '',
        instruction ? (instruction.thirdPartyAllowed ? 'yes' : 'no') : '',
        instruction ? (instruction.clientSectorsAllow?.join(' ') ?? 'all') : '',
        instruction?.clientSectorsDeny.join(' ') ?? '',
        recipients,
        String(controller.retention.months),
        controller.transfers.description,
        measures,
        history,
      ]);
    }
  }
  return rows.map((cells) => `${cells.map(formatCsvCell).join(',')}\r\n`).join('');
}
