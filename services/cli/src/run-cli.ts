// The commands of `alliage`, loaded by main.ts once the compile cache is on.
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './commands/audit-commands.ts';
import { registerClientCommands } from './commands/client-commands.ts';
import { registerInstructionCommands } from './commands/instruction-commands.ts';
import { registerIntakeCommands } from './commands/intake-commands.ts';
import { registerKeyCommands } from './commands/key-commands.ts';
import { registerMemberCommands } from './commands/member-commands.ts';
import { registerOffboardCommands } from './commands/offboard-commands.ts';
import { registerOrgCommands } from './commands/org-commands.ts';
import { registerPlatformCommands } from './commands/platform-commands.ts';
import { registerPoolCommands } from './commands/pool-commands.ts';
import { registerRegisterCommands } from './commands/register-commands.ts';
import { registerRepoussoirCommands } from './commands/repoussoir-commands.ts';
import { registerRightsRequestCommands } from './commands/rights-request-commands.ts';
import { registerSelectionCommands } from './commands/selection-commands.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerTokenCommands } from './commands/token-commands.ts';
import { registerWorkerCommand } from './commands/worker-command.ts';
import { EXIT_USAGE } from './exit-codes.ts';

const program = new Command('alliage')
  .description('Alliage: marketing data pooling on documented instructions')
  .exitOverride()
  .showHelpAfterError();

registerServeCommand(program);
registerWorkerCommand(program);
registerOrgCommands(program);
registerTokenCommands(program);
registerKeyCommands(program);
registerInstructionCommands(program);
registerAuditCommands(program);
registerPlatformCommands(program);
registerMemberCommands(program);
registerOffboardCommands(program);
registerIntakeCommands(program);
registerPoolCommands(program);
registerSelectionCommands(program);
registerClientCommands(program);
registerRightsRequestCommands(program);
registerRepoussoirCommands(program);
registerRegisterCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // help and version exit 0; every other parse problem is a usage error
    process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw error;
}
