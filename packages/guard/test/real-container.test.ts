import { expect } from "bun:test";
import { ensureImage } from "../../cli/src/engine/build-image.ts";
import { docker, engineTest, ROOT } from "../../cli/test/engine.ts";

const MiB = 2 ** 20;

engineTest(
  "readFences() in a container started by hand (docker run) reports exactly its limits",
  async () => {
    if (!docker) throw new Error("no engine");
    if (!Bun.which("docker"))
      throw new Error("this test starts the container with the docker CLI, which is not on PATH");
    const { tag } = await ensureImage(docker, { runId: "guard-test" });
    // biome-ignore format: one flag a line reads like the command it is
    const r = Bun.spawnSync([
    "docker", "run", "--rm", "--label", "dev.brink=1", "--network", "none", "--read-only",
    "--memory", "96m", "--memory-swap", "96m",
    "--ulimit", "nofile=64:64", "--ulimit", "stack=2097152:2097152",
    "--pids-limit", "50", "--tmpfs", "/scratch:size=20m",
    "-v", `${ROOT}:/work:ro`, tag, "packages/cli/test/fixtures/programs/fences.ts",
  ]);
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    const f = JSON.parse(r.stdout.toString().trim());
    expect(f).toMatchObject({
      memory: 96 * MiB,
      swap: 0,
      pids: 50,
      nofile: { soft: 64, hard: 64 },
      stack: { soft: 2097152, hard: 2097152 },
      disk: { path: "/scratch", total: 20 * MiB },
    });
    expect(f.cgroup === 1 || f.cgroup === 2).toBe(true);
  },
);
