import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { BrinkError } from "../errors.ts";
import { buildContext } from "./build-image.ts";
import { CONTAINER_USER } from "./container-spec.ts";
import { LABEL, LABEL_RUN, ownerLabels } from "./labels.ts";
import type { EngineSession } from "./session.ts";

/** What the containers of a command run: an image, and a host folder to mount (local engines). */
export interface ProjectMount {
  image: string;
  /** Bind-mounted read-only at /work; undefined when the project is inside `image`. */
  project?: string;
  /** Removes what was made for the project (the per-run image of a remote engine). */
  cleanup(): Promise<void>;
}

/**
 * Gives the containers the project at /work: a read-only bind mount on a local engine; on a
 * remote one (DOCKER_HOST=tcp://...), whose host cannot see this folder, a per-run image
 * built FROM the probe image with the project copied in (without .git), removed afterwards.
 *
 * @example
 * const mount = await projectMount(session, "/home/me/app");
 * try { ... mount.image, mount.project ... } finally { await mount.cleanup() }
 */
export async function projectMount(
  session: EngineSession,
  project: string,
  signal?: AbortSignal,
  why = "the engine is remote",
): Promise<ProjectMount> {
  if (!session.remote) return { image: session.image.tag, project, cleanup: async () => {} };
  const tag = `brink-project:${session.runId}`;
  process.stderr.write(`brink: ${why}: copying ${project} into a per-run image (${tag})\n`);
  const dir = mkdtempSync(join(tmpdir(), "brink-project-"));
  try {
    writeFileSync(
      join(dir, "Dockerfile"),
      `FROM ${session.image.tag}\nCOPY --chown=${CONTAINER_USER} project/ /work/\n`,
    );
    cpSync(project, join(dir, "project"), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => basename(src) !== ".git",
    });
    await buildContext(
      session.docker,
      dir,
      { tag, labels: { ...ownerLabels(), [LABEL]: "1", [LABEL_RUN]: session.runId } },
      signal,
    );
  } catch (e) {
    if (e instanceof BrinkError) throw e;
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      `copying the project to the remote engine failed: ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    image: tag,
    cleanup: async () => {
      await session.docker
        .getImage(tag)
        .remove({ force: true })
        .catch(() => {});
    },
  };
}
