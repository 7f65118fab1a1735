import { Command, CommanderError } from 'commander';
import { calibrateCommand } from './calibrateCommand.ts';
import { countCommand } from './countCommand.ts';
import { demoCommand } from './demoCommand.ts';
import { doctorCommand } from './doctorCommand.ts';
import { evalCommand } from './evalCommand.ts';
import { hubCommand } from './hubCommand.ts';
import { locateCommand } from './locateCommand.ts';
import { replayCommand } from './replayCommand.ts';
import { reportCommand } from './reportCommand.ts';
import { runCommand } from './runCommand.ts';
import { sensorCommand } from './sensorCommand.ts';

/** Commands added with addCommand do not inherit settings: hand them down. */
function withHelpAfterError(command: Command): Command {
  command.showHelpAfterError('(add --help for usage)');
  for (const sub of command.commands) withHelpAfterError(sub);
  return command;
}

export function buildProgram(): Command {
  const program = new Command('airtrace')
    .description(
      'Passive Wi-Fi and Bluetooth presence analytics and indoor positioning. ' +
        'Raw MAC addresses stay in memory: everything stored or shown uses a keyed hash.',
    )
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .addCommand(demoCommand())
    .addCommand(countCommand())
    .addCommand(locateCommand())
    .addCommand(calibrateCommand())
    .addCommand(evalCommand())
    .addCommand(replayCommand())
    .addCommand(runCommand())
    .addCommand(sensorCommand())
    .addCommand(hubCommand())
    .addCommand(doctorCommand())
    .addCommand(reportCommand());
  return withHelpAfterError(program);
}

/** Errors we expect (bad input, missing files) print one line; only bugs print a stack. */
export async function main(argv: readonly string[]): Promise<void> {
  // `airtrace replay x | head` closes our stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`airtrace: ${message}\n`);
    process.exitCode = 1;
  }
}
