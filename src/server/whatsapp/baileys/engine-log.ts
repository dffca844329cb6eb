import type { UserFacingSocketConfig } from 'baileys';
import type { Logger } from 'pino';

/** Baileys' logger interface (not exported under its own name). */
type EngineLogger = NonNullable<UserFacingSocketConfig['logger']>;

/**
 * Whether a log entry of the engine is WhatsApp's "restart required" stream error
 * (code 515). WhatsApp sends it after every successful link and the engine then
 * reconnects with the new credentials: the protocol's normal path, not a fault.
 */
function isExpectedRestart(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const node = (entry as { fullErrorNode?: { tag?: unknown; attrs?: { code?: unknown } } }).fullErrorNode;
  return node?.tag === 'stream:error' && node.attrs?.code === '515';
}

/**
 * The logger handed to Baileys. It logs "stream errored out" at error level for every
 * stream error, including the restart after each link; an operator who reads "error"
 * after linking a number goes looking for a fault that is not there. That one is
 * logged at info; every other entry passes through unchanged, and so do children.
 */
export function engineLogger(log: Logger): EngineLogger {
  return {
    get level() {
      return log.level;
    },
    set level(level: string) {
      log.level = level;
    },
    child: (bindings) => engineLogger(log.child(bindings)),
    trace: (entry, msg) => log.trace(entry, msg),
    debug: (entry, msg) => log.debug(entry, msg),
    info: (entry, msg) => log.info(entry, msg),
    warn: (entry, msg) => log.warn(entry, msg),
    error: (entry, msg) => (isExpectedRestart(entry) ? log.info(entry, msg) : log.error(entry, msg)),
  };
}
