/**
 * Runs workspace deletions in the background (modules/privacy/workspace-eraser.ts):
 * at start — picking up deletions a crash or a restart left unfinished — then
 * whenever one is requested (`wake`), and every `pollMs` for deletions another
 * process gave up (its lease lapsed) or that failed and wait for a retry.
 */
import type { Logger } from 'pino';
import type { WorkspaceEraser } from '../modules/privacy/workspace-eraser.js';

export interface WorkspaceDeletionJob {
  start(): void;
  /** Look now rather than at the next poll (a deletion was just requested). */
  wake(): void;
  /** One pass to the end (tests). */
  runNow(): Promise<{ completed: number; failed: number }>;
  stop(): Promise<void>;
}

export function createWorkspaceDeletionJob(deps: { eraser: WorkspaceEraser; logger?: Logger; pollMs?: number }): WorkspaceDeletionJob {
  const pollMs = deps.pollMs ?? 30_000;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let current: Promise<unknown> = Promise.resolve();
  let again = false;
  let running = false;

  const pass = async () => {
    const result = await deps.eraser.runPending();
    if (result.completed || result.failed) deps.logger?.info(result, 'workspace deletions: pass finished');
    return result;
  };

  const tick = () => {
    if (!started) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    current = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && started);
      } catch (err) {
        deps.logger?.error({ err }, 'workspace deletions: pass failed; will retry');
      } finally {
        running = false;
      }
    })();
  };

  return {
    start() {
      if (started) return;
      started = true;
      tick();
      timer = setInterval(tick, pollMs);
      timer.unref();
    },
    wake() {
      tick();
    },
    async runNow() {
      await current.catch(() => undefined);
      return pass();
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      timer = null;
      await current.catch(() => undefined);
    },
  };
}
