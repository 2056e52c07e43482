import { parseArgs } from "node:util";
import { connectEngine } from "../engine/connect.ts";
import { LABEL } from "../engine/labels.ts";
import { parseOrUsage } from "./parse.ts";

/**
 * Removes every container, then every image, labelled dev.brink=1 (optionally one run's).
 *
 * @example
 * const { containers, images } = await removeLabelled(docker);
 */
export async function removeLabelled(
  docker: import("dockerode"),
  runId?: string,
): Promise<{ containers: number; images: number }> {
  const label = runId ? [`${LABEL}.run=${runId}`] : [`${LABEL}=1`];
  const cs = await docker.listContainers({ all: true, filters: { label } });
  await Promise.all(
    cs.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
  if (runId) return { containers: cs.length, images: 0 };
  const imgs = await docker.listImages({ filters: { label } });
  let images = 0;
  for (const i of imgs) {
    try {
      await docker.getImage(i.Id).remove({ force: true });
      images++;
    } catch {
      // in use by a container of another brink still running: leave it
    }
  }
  return { containers: cs.length, images };
}

/** `brink clean`. */
export async function cleanCommand(argv: string[]): Promise<number> {
  parseOrUsage(() => parseArgs({ args: argv, options: {}, strict: true }));
  const { docker } = await connectEngine();
  const { containers, images } = await removeLabelled(docker);
  process.stdout.write(
    `removed ${containers} container(s) and ${images} image(s) labelled ${LABEL}=1\n`,
  );
  return 0;
}
