import readline from 'node:readline';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { systemClock } from '../lib/clock.js';
import { createActivityService } from '../modules/activity/service.js';
import { createWorkspaceAccess } from '../modules/workspaces/access.js';
import { CliError, HELP, parseArgs, runAdmin } from './admin-commands.js';

/**
 * The server-side admin tool: `npm run admin -- <command>`. It uses the same
 * configuration and database as the server; the commands live in admin-commands.ts.
 */

/** Reads one line without echoing it (a terminal), or the first line of piped input. */
function readSecretLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return new Promise((resolve) => {
      const rl = readline.createInterface({ input: stdin, terminal: false });
      let answered = false;
      rl.once('line', (line) => {
        answered = true;
        rl.close();
        resolve(line.replace(/\r$/, ''));
      });
      rl.once('close', () => {
        if (!answered) resolve('');
      });
    });
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    function onData(chunk: string) {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('Cancelled.', 130));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    }
    stdin.on('data', onData);
  });
}

async function readPassword(prompt: string): Promise<string> {
  const password = await readSecretLine(prompt);
  if (process.stdin.isTTY && password.length > 0 && (await readSecretLine('Repeat it: ')) !== password) {
    throw new CliError('The two passwords differ; nothing was changed.');
  }
  return password;
}

async function main(argv: string[]): Promise<number> {
  const io = {
    out: (line: string) => process.stdout.write(`${line}\n`),
    error: (line: string) => process.stderr.write(`${line}\n`),
    readPassword,
  };
  // Bad arguments and help need no database.
  try {
    if (parseArgs(argv).command === 'help') {
      io.out(HELP);
      return 0;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.error(`Error: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.error(`Error: invalid configuration: ${error.message}`);
      return 78;
    }
    throw error;
  }
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrateToLatest(database.db);
    const clock = systemClock;
    const activity = createActivityService({ db: database.db, clock, access: createWorkspaceAccess({ db: database.db }) });
    return await runAdmin(argv, { db: database.db, clock, activity }, io);
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
