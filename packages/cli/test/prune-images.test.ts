import { expect } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildContext } from "../src/engine/build-image.ts";
import { LABEL, LABEL_RUN, LABEL_SOURCE } from "../src/engine/labels.ts";
import { pruneProbeImages } from "../src/engine/prune-images.ts";
import { docker, engineTest, testDir, testRunId } from "./engine.ts";

engineTest(
  "after a build, older probe images of the same install go (the newest kept), never one a container uses, never another install's",
  async () => {
    const engine = docker as NonNullable<typeof docker>;
    const run = testRunId("prune");
    const source = `test-${run}`.slice(0, 40);
    const tags = ["a", "b", "c", "other"].map((x) => `brink-prune-test:${run}-${x}`);
    const build = async (tag: string, from: string) => {
      const dir = testDir("brink-prune-");
      writeFileSync(join(dir, "Dockerfile"), `FROM scratch\nCOPY f /f\n`);
      writeFileSync(join(dir, "f"), tag);
      await buildContext(engine, dir, {
        tag,
        labels: { [LABEL]: "1", [LABEL_RUN]: run, [LABEL_SOURCE]: from },
      });
    };
    const exists = (tag: string) =>
      engine
        .getImage(tag)
        .inspect()
        .then(
          () => true,
          () => false,
        );
    const [a, b, c, other] = tags as [string, string, string, string];
    try {
      // The engine dates images to the second: one a second, oldest first.
      await build(a, source);
      await build(other, `${source}-elsewhere`);
      await Bun.sleep(1100);
      await build(b, source);
      await Bun.sleep(1100);
      await build(c, source);
      // `a` is in use by a container: it stays.
      const user = await engine.createContainer({
        Image: a,
        Cmd: ["x"],
        Labels: { [LABEL]: "1", [LABEL_RUN]: run },
      });
      expect(await pruneProbeImages(engine, source, c, 2)).toEqual([]);
      expect(await exists(a)).toBe(true);
      await user.remove({ force: true });
      // Unused now: the oldest beyond the two kept goes; the other install's image stays.
      expect((await pruneProbeImages(engine, source, c, 2)).length).toBe(1);
      expect([await exists(a), await exists(b), await exists(c), await exists(other)]).toEqual([
        false,
        true,
        true,
        true,
      ]);
    } finally {
      for (const t of tags)
        await engine
          .getImage(t)
          .remove({ force: true })
          .catch(() => {});
    }
  },
);
