import { type InterruptTrap, type Stopped, trapInterrupts } from "./interrupts.ts";
import { LABEL_PID, LABEL_RUN, newRunId } from "./labels.ts";
import { liveContainers } from "./live-containers.ts";
import { type ProjectAccess, projectAccess, scanProjectEarly } from "./project-access.ts";
import { type EngineSession, openSession } from "./session.ts";

/**
 * The lifecycle of one command that uses the engine (run, exec, sweep, doctor): its run id,
 * its session, a trap for the signals and the closed output that stop it, and cleanup that
 * runs on every path. Open it before anything touches the engine; close it with
 * `await using` (or close()).
 */
export interface RunScope extends AsyncDisposable {
  /** Labels every container and image of this command (BRINK_RUN_ID when set). */
  readonly runId: string;
  /** Aborted when the command must stop: a signal, a closed reader, or abort(). */
  readonly signal: AbortSignal;
  /** What stopped the command (SIGINT, SIGTERM, SIGHUP, SIGQUIT, "reader closed"), if anything. */
  readonly stopped: Stopped | null;
  /** Connects and readies the probe image, once; reaping of dead runs starts in the background. */
  session(options?: { onBuild?: () => void }): Promise<EngineSession>;
  /**
   * The session and the project as this run's containers see it (projectAccess), whose
   * cleanup runs on close. The project's readability walk starts before the session, so it
   * overlaps the engine's answers.
   */
  project(
    dir: string,
    options?: { writable?: boolean; onBuild?: () => void },
  ): Promise<{ session: EngineSession; access: ProjectAccess }>;
  /** Something to undo on close (e.g. a per-run image), newest first. */
  defer(cleanup: () => unknown): void;
  /** Stops the work for another reason (e.g. the engine went away); `stopped` stays as it was. */
  abort(reason: string): void;
  /** The stop's own code (130, 143, 129, 131, 141) when something stopped the command, else `normal`. */
  exitCode(normal: number): number;
  /** Removes the run's containers, runs the deferred cleanups, stops trapping. Idempotent. */
  close(): Promise<void>;
}

/** Waits for `p`, but no longer than `ms`. */
const atMost = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.catch(() => {}), Bun.sleep(ms)]);

/**
 * Opens the run scope of a command. The first SIGINT/SIGTERM/SIGHUP/SIGQUIT (or EPIPE on
 * stdout/stderr) aborts `signal`, so the work unwinds, removes its containers and writes
 * what it has; a second signal removes the containers and leaves at once.
 *
 * @example
 * await using scope = openRunScope({ onStop: (s) => log(`${s.name}: stopping...`) });
 * const session = await scope.session();
 * await work(session, scope.signal);
 * return scope.exitCode(0);
 */
export function openRunScope(options: { onStop?: (s: Stopped) => void } = {}): RunScope {
  const runId = newRunId();
  const cleanups: (() => unknown)[] = [];
  let opened: Promise<EngineSession> | undefined;
  let session: EngineSession | undefined;
  let closing: Promise<void> | undefined;
  const trap: InterruptTrap = trapInterrupts({
    onStop: options.onStop,
    onForce: (s) => {
      process.stderr.write(`brink: ${s.name} again: removing this run's containers and leaving\n`);
      void atMost(liveContainers.removeAll(), 5000).then(() => process.exit(s.code));
    },
  });

  /** Containers of this run and process the engine holds though brink never heard back of them (a create in flight when stopped). */
  const sweepOwn = async (s: EngineSession) => {
    const label = [`${LABEL_RUN}=${runId}`, `${LABEL_PID}=${process.pid}`];
    const left = await s.docker.listContainers({ all: true, filters: { label } });
    await Promise.all(
      left.map((c) =>
        s.docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => {}),
      ),
    );
  };

  const close = async () => {
    await liveContainers.removeAll();
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // cleanup is best effort: the reaper of a later command removes what is left
      }
    }
    if (session) {
      await atMost(sweepOwn(session), 3000);
      await atMost(session.reaped, 2000);
    }
    trap.release();
  };

  return {
    runId,
    signal: trap.signal,
    get stopped() {
      return trap.stopped;
    },
    session(o = {}) {
      opened ??= openSession({ runId, signal: trap.signal, onBuild: o.onBuild }).then((s) => {
        session = s;
        return s;
      });
      return opened;
    },
    async project(dir, o = {}) {
      scanProjectEarly(dir);
      const session = await this.session({ onBuild: o.onBuild });
      const access = await projectAccess(session, dir, {
        writable: o.writable,
        signal: trap.signal,
      });
      cleanups.push(access.cleanup);
      return { session, access };
    },
    defer: (c) => void cleanups.push(c),
    abort: (reason) => trap.abort(reason),
    exitCode: (normal) => trap.stopped?.code ?? normal,
    close() {
      closing ??= close();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
