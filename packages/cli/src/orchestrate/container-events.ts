import { type FenceSummary, NO_FENCES } from "@brink/guard";
import type { ProbeResult } from "@brink/probes/host";
import { channelReader, type RunnerEvent, validateEvent } from "@brink/probes/host";
import type { ProbeInfo } from "./probe-info.ts";

/** What the host has believed of one container's runner so far. */
export interface ContainerEvents {
  /** Feeds one stdout line. */
  line(line: string): void;
  readonly fence: FenceSummary;
  /** The probe that started and has no result yet. */
  readonly running: { probe: ProbeInfo; started: number } | null;
  readonly refused: string | null;
  readonly done: boolean;
  /** The first protocol error, naming the raw line; nothing after it is believed. */
  readonly protocolError: string | null;
  /** Lines that looked like channel lines but did not verify (never believed). */
  readonly ignored: number;
}

/** What the reader tells its owner as events are believed. */
export interface EventHandlers {
  onResult(r: ProbeResult): void;
  onStart?(id: string, timeoutMs: number): void;
  /** No probe is running; `allIn` when every planned probe has its result. */
  onIdle?(allIn: boolean): void;
  onProtocolError?(why: string): void;
}

const cut = (line: string) => (line.length > 300 ? `${line.slice(0, 300)}…` : line);

/**
 * Reads a container's stdout as the runner protocol: only lines on the authenticated
 * channel count (anything else is stray output, never believed), each event is checked
 * against its schema, and the sequence must make sense: results only for planned probes,
 * in their category, once each, for the probe that started (or a skip the runner decided).
 * The first violation is kept as `protocolError` and ends belief in the container.
 *
 * @example
 * const events = readContainerEvents(probes, { onResult: (r) => results.push(r) });
 * for (const l of lines) events.line(l);
 */
export function readContainerEvents(probes: ProbeInfo[], on: EventHandlers): ContainerEvents {
  const reader = channelReader();
  const byId = new Map(probes.map((p) => [p.id, p]));
  const reported = new Set<string>();
  let fence: FenceSummary = NO_FENCES;
  let fenceSeen = false;
  let running: { probe: ProbeInfo; started: number } | null = null;
  let refused: string | null = null;
  let done = false;
  let protocolError: string | null = null;
  let ignored = 0;

  const broken = (why: string, line: string): undefined => {
    if (protocolError) return;
    protocolError = `${why}: ${cut(line)}`;
    on.onProtocolError?.(protocolError);
  };

  function handle(e: RunnerEvent, line: string): undefined {
    if (done) return broken("an event after done", line);
    switch (e.event) {
      case "fence":
        if (fenceSeen) return broken("a second fence event", line);
        fenceSeen = true;
        fence = e.fence;
        on.onIdle?.(false);
        return;
      case "refused":
        refused = `${e.code}: ${e.message}`;
        return;
      case "start": {
        const probe = byId.get(e.id);
        if (!fenceSeen) return broken("a start before the fences were read", line);
        if (!probe) return broken(`a start for a probe not planned here (${e.id})`, line);
        if (running || reported.has(e.id)) return broken(`a start out of turn (${e.id})`, line);
        running = { probe, started: performance.now() };
        on.onStart?.(e.id, e.timeoutMs);
        return;
      }
      case "result": {
        const { event: _, ...r } = e;
        const probe = byId.get(r.id);
        if (!probe) return broken(`a result for a probe not planned here (${r.id})`, line);
        if (reported.has(r.id)) return broken(`a second result for ${r.id}`, line);
        if (r.category !== probe.category)
          return broken(
            `a result for ${r.id} in category ${r.category}, not ${probe.category}`,
            line,
          );
        const skip = r.status === "skip" && !running;
        if (!skip && running?.probe.id !== r.id)
          return broken(`a result for ${r.id}, which is not the probe running`, line);
        running = null;
        reported.add(r.id);
        // The title and expectation are the host's own, not what the container said.
        on.onResult({ ...r, title: probe.title, expected: probe.expected });
        on.onIdle?.(reported.size === probes.length);
        return;
      }
      case "done":
        if (running) return broken("done while a probe was running", line);
        done = true;
        on.onIdle?.(true);
        return;
      default:
        return broken(`an event this command does not expect (${e.event})`, line);
    }
  }

  return {
    line(line) {
      if (protocolError) return;
      const got = reader.accept(line);
      // A line that does not verify was written by someone else (code under test): never
      // believed, and no reason to disbelieve the runner's own events around it.
      if (got.kind === "bad") ignored++;
      else if (got.kind === "lost") broken(got.why, line);
      else if (got.kind === "event") {
        const e = validateEvent(got.event);
        if (typeof e === "string") broken(e, line);
        else handle(e, line);
      }
    },
    get fence() {
      return fence;
    },
    get running() {
      return running;
    },
    get refused() {
      return refused;
    },
    get done() {
      return done;
    },
    get protocolError() {
      return protocolError;
    },
    get ignored() {
      return ignored;
    },
  };
}
