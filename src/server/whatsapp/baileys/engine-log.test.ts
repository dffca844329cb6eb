import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { engineLogger } from './engine-log.js';

/** A pino logger writing parsed entries into an array. */
function capture(level = 'info') {
  const lines: Array<{ level: number; msg: string; component?: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}

const streamError = (code: string) => ({ fullErrorNode: { tag: 'stream:error', attrs: { code } } });

describe('engine logger', () => {
  it('logs the restart WhatsApp asks for after a link as info, and every other stream error as an error', () => {
    const { log, lines } = capture();
    const engine = engineLogger(log);
    engine.error(streamError('515'), 'stream errored out');
    engine.error(streamError('401'), 'stream errored out');
    engine.error({ error: 'boom' }, 'Failed to create own LID session');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'stream errored out'],
      [50, 'stream errored out'],
      [50, 'Failed to create own LID session'],
    ]);
  });

  it('keeps the level filter and the rule in children', () => {
    const { log, lines } = capture('warn');
    const engine = engineLogger(log);
    expect(engine.level).toBe('warn');
    const child = engine.child({ component: 'baileys' });
    child.error(streamError('515'), 'stream errored out'); // info: below warn, not written
    child.warn({}, 'Timeout in AwaitingInitialSync');
    child.error(streamError('503'), 'stream errored out');
    expect(lines.map((l) => [l.level, l.msg, l.component])).toEqual([
      [40, 'Timeout in AwaitingInitialSync', 'baileys'],
      [50, 'stream errored out', 'baileys'],
    ]);
  });
});
