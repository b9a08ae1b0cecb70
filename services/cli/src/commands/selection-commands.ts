import type { Command } from 'commander';
import { formatTable } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

interface TSelectionRow {
  id: string;
  clientOrgCode: string;
  name: string;
  channel: string;
  purpose: string;
  status: string;
  orderedQuantity: number | null;
}

interface TDeliveryRow {
  id: string;
  clientOrgCode: string;
  status: string;
  fileName: string | null;
  rowCount: number | null;
  expiresAt: string | Date | null;
}

/**
 * `alliage selection list|approve|reject`, `alliage delivery list|push`, `alliage seed hit`
 * and `alliage alert list`: the operator's side of the selection flow.
 */
export function registerSelectionCommands(program: Command): void {
  const selection = program.command('selection').description('audience selections and orders');
  selection
    .command('list')
    .description('every selection with its status')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const selections = (await backend.listSelections()) as TSelectionRow[];
        output.result(selections, () =>
          formatTable(
            ['id', 'client', 'name', 'channel', 'purpose', 'status', 'quantity'],
            selections.map((row) => [
              row.id,
              row.clientOrgCode,
              row.name,
              row.channel,
              row.purpose,
              row.status,
              row.orderedQuantity === null ? '' : String(row.orderedQuantity),
            ]),
          ),
        );
        return 0;
      }),
    );
  for (const decision of ['approve', 'reject'] as const) {
    selection
      .command(`${decision} <selectionId>`)
      .description(
        decision === 'approve'
          ? 'approve an order (not your own); the delivery is then built'
          : 'reject an order',
      )
      .requiredOption('--reason <text>', 'why (recorded in the audit chain)')
      .option('--json', 'machine-readable output')
      .action((selectionId: string, options) =>
        runAdminCommand(options, async (backend, output) => {
          const decided = (await backend.decideSelection(
            selectionId,
            decision,
            options.reason,
          )) as TSelectionRow;
          output.result(decided, () => `selection ${decided.id} is ${decided.status}`);
          return 0;
        }),
      );
  }

  const delivery = program.command('delivery').description('delivery files');
  delivery
    .command('list')
    .description('every delivery with its status and expiry')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const deliveries = (await backend.listDeliveries()) as TDeliveryRow[];
        output.result(deliveries, () =>
          formatTable(
            ['id', 'client', 'status', 'file', 'rows', 'expires'],
            deliveries.map((row) => [
              row.id,
              row.clientOrgCode,
              row.status,
              row.fileName ?? '',
              row.rowCount === null ? '' : String(row.rowCount),
              row.expiresAt ? new Date(row.expiresAt).toISOString() : '',
            ]),
          ),
        );
        return 0;
      }),
    );

  delivery
    .command('push <deliveryId>')
    .description("push a written delivery to its client's own SFTP server again")
    .option('--json', 'machine-readable output')
    .action((deliveryId: string, options) =>
      runAdminCommand(options, async (backend, output) => {
        const pushed = (await backend.pushDelivery(deliveryId)) as TDeliveryRow & {
          pushStatus: string;
        };
        output.result(pushed, () =>
          backend.mode === 'http'
            ? `push of delivery ${pushed.id} queued`
            : `delivery ${pushed.id} is ${pushed.pushStatus}`,
        );
        return 0;
      }),
    );

  program
    .command('seed')
    .description('seed records ("adresses témoins")')
    .command('hit')
    .description('report a contact received on a seed; out of window or channel raises an alert')
    .requiredOption('--kind <kind>', 'email, phone or postal')
    .requiredOption('--value <value>', 'the contact point that was contacted')
    .requiredOption('--channel <channel>', 'postal, email, sms or phone')
    .option('--at <iso>', 'when the contact happened (ISO date-time, default now)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const result = await backend.recordSeedHit({
          contact: { kind: options.kind, value: options.value },
          channel: options.channel,
          contactedAt: options.at ?? new Date().toISOString(),
        });
        output.result(result, () => JSON.stringify(result, null, 2));
        return 0;
      }),
    );

  const alert = program.command('alert').description('misuse and breach signals');
  alert
    .command('list')
    .description('alerts, newest first')
    .option('--open', 'only the alerts nobody acknowledged yet')
    .option('--json', 'machine-readable output')
    .action((options: { open?: boolean; json?: boolean }) =>
      runReadCommand(options, async (backend, output) => {
        const alerts = await backend.listAlerts({ open: options.open === true });
        output.result(alerts, () => JSON.stringify(alerts, null, 2));
        return 0;
      }),
    );
  alert
    .command('ack')
    .description('acknowledge an open alert (once), saying what was found or done; audited')
    .argument('<alert-id>', 'the alert (its id in `alert list`)')
    .requiredOption('--note <text>', 'what was found or done (staff text, no personal data)')
    .option('--json', 'machine-readable output')
    .action((alertId: string, options: { note: string; json?: boolean }) =>
      runAdminCommand(options, async (backend, output) => {
        const acknowledged = await backend.acknowledgeAlert(alertId, options.note);
        output.result(acknowledged, () => `alert ${acknowledged.id} acknowledged`);
        return 0;
      }),
    );
}
