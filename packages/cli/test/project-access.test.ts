import { expect, test } from "bun:test";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONTAINER_USER } from "../src/engine/container-spec.ts";
import { NPROC, nprocUlimit, parseNprocLimit } from "../src/engine/host-nproc.ts";
import { containerUser, firstUnreadable, writableCopy } from "../src/engine/project-access.ts";
import { brink, engineTest, testDir } from "./engine.ts";

const tmp = testDir("brink-access-");
const root = process.getuid?.() === 0;

test("the container user: the invoking user when not root on a local engine, else brink's", () => {
  expect(containerUser({ uid: 1000, gid: 100 }, false)).toBe("1000:100");
  expect(containerUser({ uid: 0, gid: 0 }, false)).toBe(CONTAINER_USER);
  expect(containerUser({ uid: 1000, gid: 100 }, true)).toBe(CONTAINER_USER);
  expect(containerUser({}, false)).toBe(CONTAINER_USER);
});

test("firstUnreadable finds a 0700 folder, a 0600 file, or nothing (symlinks and .git skipped)", () => {
  const dir = join(tmp, "tree");
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, "src/a.ts"), "");
  writeFileSync(join(dir, ".git/secret"), "");
  chmodSync(join(dir, ".git/secret"), 0o600);
  const other = { uid: 54321, gid: 54321 };
  expect(firstUnreadable(dir, other.uid, other.gid)).toBeNull();
  chmodSync(join(dir, "src/a.ts"), 0o600);
  expect(firstUnreadable(dir, other.uid, other.gid)).toBe(join(dir, "src/a.ts"));
  chmodSync(join(dir, "src"), 0o700);
  expect(firstUnreadable(dir, other.uid, other.gid)).toBe(join(dir, "src"));
  // The owner reads through the owner bits.
  const me = statSync(dir);
  expect(firstUnreadable(dir, me.uid, me.gid)).toBeNull();
  // Past the scan limit it answers null: the common failure shows at the top.
  expect(firstUnreadable(dir, other.uid, other.gid, 1)).toBeNull();
});

test("writableCopy: a copy without .git, owned by the container user when brink is root", () => {
  const dir = join(tmp, "copy-src");
  mkdirSync(join(dir, ".git"), { recursive: true });
  mkdirSync(join(dir, "sub"), { recursive: true });
  writeFileSync(join(dir, "sub/x.txt"), "x");
  const copy = writableCopy(dir, "12345:12345");
  try {
    expect(readdirSync(copy.dir).sort()).toEqual(["sub"]);
    expect(readFileSync(join(copy.dir, "sub/x.txt"), "utf8")).toBe("x");
    if (root) expect(statSync(join(copy.dir, "sub/x.txt")).uid).toBe(12345);
  } finally {
    copy.remove();
  }
});

test("nproc: within what a host allows, never below the pids fence, none for the invoking user", () => {
  expect(
    parseNprocLimit(
      "Max processes             96365                96365                processes \n",
    ),
  ).toBe(96365);
  expect(
    parseNprocLimit(
      "Max processes             unlimited            unlimited            processes\n",
    ),
  ).toBeNull();
  expect(nprocUlimit(100, undefined, 96365)).toEqual([{ Name: "nproc", Soft: NPROC, Hard: NPROC }]);
  expect(nprocUlimit(100, CONTAINER_USER, 1000)).toEqual([
    { Name: "nproc", Soft: 1000, Hard: 1000 },
  ]);
  expect(nprocUlimit(10_000, undefined, 96365)).toEqual([
    { Name: "nproc", Soft: 10_000, Hard: 10_000 },
  ]);
  expect(nprocUlimit(100, undefined, null)).toEqual([{ Name: "nproc", Soft: NPROC, Hard: NPROC }]);
  expect(nprocUlimit(100, "1000:1000", 96365)).toEqual([]);
});

const WRITE =
  "require('node:fs').writeFileSync('out.txt', 'from the fence'); console.log(require('node:fs').readFileSync('in.txt', 'utf8'))";

engineTest(
  "--writable-project: the container writes to a private copy; the project is untouched",
  async () => {
    const dir = join(tmp, "writable");
    mkdirSync(dir);
    writeFileSync(join(dir, "in.txt"), "mine");
    const ro = await brink(["exec", "--project", dir, "--", "bun", "-e", WRITE]);
    expect(ro.code).not.toBe(0);
    expect(ro.stderr).toMatch(/EROFS|read-only/);
    const rw = await brink([
      "exec",
      "--project",
      dir,
      "--writable-project",
      "--",
      "bun",
      "-e",
      WRITE,
    ]);
    expect(rw.code, rw.stderr).toBe(0);
    expect(rw.stdout.trim()).toBe("mine");
    expect(readdirSync(dir)).toEqual(["in.txt"]);
  },
);

engineTest("a project brink's user cannot read (0700) still works: it is copied in", async () => {
  const dir = mkdtempSync(join(tmpdir(), "brink-0700-"));
  try {
    writeFileSync(join(dir, "in.txt"), "private");
    chmodSync(join(dir, "in.txt"), 0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const r = await brink([
      "exec",
      "--project",
      dir,
      "--",
      "bun",
      "-e",
      "console.log(require('node:fs').readFileSync('in.txt', 'utf8'))",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("private");
    if (root) expect(r.stderr).toContain("is not readable by the container's user");
  } finally {
    Bun.spawnSync(["rm", "-rf", dir]);
  }
});
