// Issue 11's speed criterion: the five original categories, warm, against the code before
// one process per probe, on exactly the probes both versions have. Part of `bun run bench`.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./median.ts";

/** The last commit before issue 11 (one process per probe). */
export const DEFAULT_BASELINE = "19d97a7";
const CLASSIC = "oom,disk,stack,fd,pids";

/** What the comparison found, or why it could not be made. */
export type BaselineResult =
  | { rev: string; probes: number; oldMs: number; newMs: number; oldOnly: string[] }
  | { rev: string; skipped: string };

async function sh(cmd: string[], cwd: string): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out: code === 0 ? out : `${out}${err}` };
}

/**
 * Checks `rev` out beside the repository (a detached worktree, removed after), installs it,
 * and times `brink run` of the five original categories there and here, alternately, `runs`
 * times each; here only the probes the baseline also has (`--probe`).
 *
 * @example
 * const b = await compareWithBaseline(ROOT, "19d97a7", 5, env);
 */
export async function compareWithBaseline(
  root: string,
  rev: string,
  runs: number,
  env: Record<string, string | undefined>,
  images: { exists(tag: string): Promise<boolean>; remove(tag: string): Promise<void> },
): Promise<BaselineResult> {
  const dir = mkdtempSync(join(tmpdir(), "brink-bench-baseline-"));
  const tree = join(dir, "tree");
  let built: string | null = null;
  try {
    const add = await sh(["git", "worktree", "add", "--detach", tree, rev], root);
    if (add.code !== 0) return { rev, skipped: `git worktree add failed: ${add.out.trim()}` };
    const install = await sh(["bun", "install", "--frozen-lockfile"], tree);
    if (install.code !== 0) return { rev, skipped: `bun install failed: ${install.out.trim()}` };
    const ids = async (cwd: string) =>
      (
        JSON.parse(
          (
            await sh(
              ["bun", "packages/cli/src/main.ts", "list", "--category", CLASSIC, "--json"],
              cwd,
            )
          ).out,
        ) as { id: string }[]
      ).map((p) => p.id);
    const [oldIds, newIds] = await Promise.all([ids(tree), ids(root)]);
    // The baseline's probe image: removed after, unless it was there before.
    const tagOf = `const m = await import("./packages/cli/src/engine/image-inputs.ts"); console.log(m.collectImageInputs().tag)`;
    const oldTag = (await sh(["bun", "-e", tagOf], tree)).out.trim();
    if (/^brink-probe:[0-9a-f]+$/.test(oldTag) && !(await images.exists(oldTag))) built = oldTag;
    const shared = oldIds.filter((id) => newIds.includes(id));
    const time = async (cwd: string, args: string[]) => {
      const t = performance.now();
      const p = Bun.spawn(["bun", "packages/cli/src/main.ts", "run", ...args], {
        cwd,
        env,
        stdout: "ignore",
        stderr: "ignore",
      });
      if ((await p.exited) !== 0) throw new Error(`brink run ${args.join(" ")} failed in ${cwd}`);
      return performance.now() - t;
    };
    // Once each first: the baseline builds its own image.
    await time(tree, ["--category", CLASSIC]);
    await time(root, ["--probe", shared.join(",")]);
    const oldMs: number[] = [];
    const newMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      oldMs.push(await time(tree, ["--category", CLASSIC]));
      newMs.push(await time(root, ["--probe", shared.join(",")]));
    }
    return {
      rev,
      probes: shared.length,
      oldMs: median(oldMs),
      newMs: median(newMs),
      oldOnly: oldIds.filter((id) => !newIds.includes(id)),
    };
  } finally {
    if (built) await images.remove(built).catch(() => {});
    if (existsSync(tree)) await sh(["git", "worktree", "remove", "--force", tree], root);
    rmSync(dir, { recursive: true, force: true });
  }
}
