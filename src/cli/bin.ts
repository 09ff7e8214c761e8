#!/usr/bin/env node
import { describeError, EXIT } from './context.js';
import { runCli } from './main.js';

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
// A closed stdout (e.g. `| head`) ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
});
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dubstage: ${describeError(error)}\n`);
    process.exitCode = EXIT.processing;
  },
);
