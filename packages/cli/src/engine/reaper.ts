import { hostname } from "node:os";
import type { DockerApi as Docker } from "./docker-api.ts";
import { LABEL, LABEL_INPUTS, LABEL_RUN } from "./labels.ts";
import { judgeRun, type LivenessContext } from "./liveness.ts";
import { processStartMs } from "./process-start.ts";

/** A container or image brink made, and whether the run that made it is alive. */
export interface Leftover {
  kind: "container" | "image";
  id: string;
  /** The container's name or the image's tag. */
  name: string;
  run: string;
  /** The container's state (running, exited, created...); "" for images. */
  state: string;
  /** Its run is alive (or it is the probe image every run shares): only --all removes it. */
  kept: boolean;
  why: string;
}

/** This host, now, and /proc or ps for process start times. */
export function hostContext(): LivenessContext {
  return { host: hostname(), now: Date.now(), startOf: processStartMs };
}

/**
 * Everything labelled dev.brink=1 on the engine, containers then images, each judged: kept
 * when its run is alive (judgeRun) or when it is the shared probe image.
 *
 * @example
 * const dead = (await findLeftovers(docker)).filter((x) => !x.kept);
 */
export async function findLeftovers(
  docker: Docker,
  ctx: LivenessContext = hostContext(),
  options: { containers?: boolean; images?: boolean } = {},
): Promise<Leftover[]> {
  const label = [`${LABEL}=1`];
  const [containers, images] = await Promise.all([
    options.containers === false ? [] : docker.listContainers({ all: true, filters: { label } }),
    options.images === false ? [] : docker.listImages({ filters: { label } }),
  ]);
  const out: Leftover[] = [];
  for (const c of containers) {
    const { alive, why } = judgeRun({ labels: c.Labels, createdMs: c.Created * 1000 }, ctx);
    out.push({
      kind: "container",
      id: c.Id.slice(0, 12),
      name: (c.Names?.[0] ?? "").replace(/^\//, ""),
      run: c.Labels?.[LABEL_RUN] ?? "?",
      state: c.State ?? "",
      kept: alive,
      why,
    });
  }
  for (const i of images) {
    const shared = i.Labels?.[LABEL_INPUTS] !== undefined;
    const { alive, why } = shared
      ? { alive: true, why: "the probe image all runs share" }
      : judgeRun({ labels: i.Labels, createdMs: i.Created * 1000 }, ctx);
    out.push({
      kind: "image",
      id: i.Id.replace(/^sha256:/, "").slice(0, 12),
      name: i.RepoTags?.find((t) => t !== "<none>:<none>") ?? "<none>",
      run: i.Labels?.[LABEL_RUN] ?? "?",
      state: "",
      kept: alive,
      why,
    });
  }
  return out;
}

/**
 * Removes containers (force, with volumes), then images (force). Something already gone
 * counts as removed; anything else that fails is returned with the engine's words.
 *
 * @example
 * const { removed, failed } = await removeLeftovers(docker, dead);
 */
export async function removeLeftovers(
  docker: Docker,
  items: Leftover[],
): Promise<{ removed: number; failed: { item: Leftover; message: string }[] }> {
  const failed: { item: Leftover; message: string }[] = [];
  let removed = 0;
  const remove = async (x: Leftover) => {
    try {
      if (x.kind === "container") await docker.getContainer(x.id).remove({ force: true, v: true });
      else await docker.getImage(x.id).remove({ force: true });
      removed++;
    } catch (e) {
      const err = e as { statusCode?: number; json?: { message?: string }; message: string };
      if (err.statusCode === 404) removed++;
      else failed.push({ item: x, message: err.json?.message ?? err.message });
    }
  };
  await Promise.all(items.filter((x) => x.kind === "container").map(remove));
  for (const x of items.filter((i) => i.kind === "image")) await remove(x);
  return { removed, failed };
}

/**
 * Removes, in the background, what runs that are no longer alive left on the engine (as
 * testcontainers' reaper does), so an engine that comes back after a crash is clean without
 * anyone running `brink clean`. Resolves to how many it removed; never rejects.
 *
 * @example
 * const reaped = reapDeadRuns(docker); // not awaited: the command goes on
 */
export async function reapDeadRuns(docker: Docker): Promise<number> {
  try {
    // Containers first: listing images costs the engine ~0.5 ms an image on every command
    // (~50 ms with the hundred an engine gathers), so images are looked at only where a dead
    // run left a container (a run that died between the two leaves its image to `brink clean`).
    const ctx = hostContext();
    const dead = (await findLeftovers(docker, ctx, { images: false })).filter((x) => !x.kept);
    if (dead.length)
      dead.push(
        ...(await findLeftovers(docker, ctx, { containers: false })).filter((x) => !x.kept),
      );
    return (await removeLeftovers(docker, dead)).removed;
  } catch {
    return 0;
  }
}
