import type { DockerApi } from "./docker-api.ts";
import { LABEL_SOURCE } from "./labels.ts";

/** How many probe images built from one install of brink are kept: the newest. */
export const KEEP_IMAGES = 3;

/**
 * The label value for probe images built from the packages at `dir` (an install of brink, or
 * this repository's checkout): a short hash of the path.
 *
 * @example
 * sourceKey("/home/me/app/node_modules/@brink/probes") // "3f2a9c0d1e4b5a6f"
 */
export function sourceKey(dir: string): string {
  return new Bun.CryptoHasher("sha256").update(dir).digest("hex").slice(0, 16);
}

/**
 * After a build, removes the older probe images built from the same install, keeping the
 * `keep` newest (the one just built among them): every change of brink builds a new image,
 * and without this they piled up (a hundred on a developer's engine slow every image listing).
 * Never forced: an image a container still uses stays, and images of other installs, of
 * other brink versions elsewhere on a shared engine, carry another source and are not
 * touched. Returns the ids removed; never rejects.
 *
 * @example
 * await pruneProbeImages(docker, sourceKey(probesDir), "brink-probe:3f2a9c0d1e4b5a6f");
 */
export async function pruneProbeImages(
  docker: DockerApi,
  source: string,
  current: string,
  keep = KEEP_IMAGES,
): Promise<string[]> {
  const removed: string[] = [];
  try {
    const images = await docker.listImages({ filters: { label: [`${LABEL_SOURCE}=${source}`] } });
    const others = images
      .filter((i) => !(i.RepoTags ?? []).includes(current))
      .sort((a, b) => b.Created - a.Created)
      .slice(Math.max(0, keep - 1));
    for (const i of others) {
      try {
        await docker.getImage(i.Id).remove();
        removed.push(i.Id);
      } catch {
        // in use by a container, or gone already: it stays for `brink clean --all`
      }
    }
  } catch {
    // the engine would not list: nothing pruned this time
  }
  return removed;
}
