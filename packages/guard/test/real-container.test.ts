import { expect } from "bun:test";
import { ensureImage } from "../../cli/src/engine/build-image.ts";
import { docker, engineTest, ROOT } from "../../cli/test/engine.ts";
import { brinkHostname, newBrinkToken } from "../src/index.ts";

const MiB = 2 ** 20;

// What the guard reads and says inside the container, as one JSON line.
const PROGRAM = `
import { ensureFenced, readFences, summarizeFences } from "@brink/guard";
let refused = null;
try { ensureFenced(); } catch (e) { refused = { code: e.code, message: e.message }; }
const fences = readFences();
console.log(JSON.stringify({ fences, summary: summarizeFences(fences), refused }));
`;

/** `docker run` by hand with the limits; `identity` adds brink's hostname and token. */
async function runByHand(identity: { hostname: boolean }) {
  if (!docker) throw new Error("no engine");
  if (!Bun.which("docker"))
    throw new Error("this test starts the container with the docker CLI, which is not on PATH");
  const { tag } = await ensureImage(docker, { runId: "guard-test" });
  const token = newBrinkToken();
  // biome-ignore format: one flag a line reads like the command it is
  const r = Bun.spawnSync([
    "docker", "run", "--rm", "--label", "dev.brink=1", "--network", "none", "--read-only",
    "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
    "--memory", "96m", "--memory-swap", "96m",
    "--ulimit", "nofile=64:64", "--ulimit", "stack=2097152:2097152",
    "--pids-limit", "50", "--tmpfs", "/scratch:size=20m",
    ...(identity.hostname ? ["--hostname", brinkHostname(token)] : []),
    "-e", `BRINK_TOKEN=${token}`, "-e", "BRINK_DESTRUCTIVE=1",
    "-e", `BRINK_FENCE_MEMORY=${96 * MiB}`, "-e", "BRINK_FENCE_NOFILE=64",
    "-e", "BRINK_FENCE_STACK=2097152", "-e", "BRINK_FENCE_PIDS=50",
    "-v", `${ROOT}:/work:ro`, tag, "-e", PROGRAM,
  ]);
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout.toString().trim());
}

engineTest(
  "in a container started by hand (docker run) with brink's hostname and token: exactly its limits, and the guard opens",
  async () => {
    const { fences, summary, refused } = await runByHand({ hostname: true });
    expect(fences).toMatchObject({
      memory: 96 * MiB,
      swap: 0,
      pids: 50,
      nofile: { soft: 64, hard: 64 },
      stack: { soft: 2097152, hard: 2097152 },
      disk: { path: "/scratch", total: 20 * MiB },
      raisable: [],
    });
    expect(fences.cgroup === 1 || fences.cgroup === 2).toBe(true);
    // Memory = MemorySwap is a memory fence on this engine, with or without swap accounting.
    expect(summary).toMatchObject({ memory: 96 * MiB, stack: 2097152, nofile: 64, pids: 50 });
    expect(refused).toBeNull();
  },
);

engineTest(
  "the same container without the hostname brink-$BRINK_TOKEN: the guard refuses (NOT_BRINK)",
  async () => {
    const { summary, refused } = await runByHand({ hostname: false });
    expect(summary).toMatchObject({ memory: 96 * MiB, nofile: 64 });
    expect(refused?.code).toBe("NOT_BRINK");
    expect(refused?.message).toContain("outsideBrink: true");
  },
);
