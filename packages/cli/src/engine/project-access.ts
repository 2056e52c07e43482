import { chownSync, cpSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { BrinkError } from "../errors.ts";
import { CONTAINER_USER } from "./container-spec.ts";
import { type ProjectMount, projectMount } from "./project-image.ts";
import type { EngineSession } from "./session.ts";

/** How the containers of a command see the project: where, as whom, and whether writable. */
export interface ProjectAccess extends ProjectMount {
  /** The container's `uid:gid`. */
  user: string;
  /** /work is a private writable copy (the user's files are never changed). */
  writable: boolean;
}

/** Who runs brink: `uid`/`gid` are undefined where the platform has none (Windows). */
export interface Invoker {
  uid?: number;
  gid?: number;
}

const [CONTAINER_UID, CONTAINER_GID] = CONTAINER_USER.split(":").map(Number) as [number, number];

/** Entries looked at before a project is taken as readable (a huge node_modules is not walked whole). */
export const READABLE_SCAN_LIMIT = 20_000;

/**
 * The container user for a project: the invoking user's `uid:gid` when that is a user
 * other than root on a local engine (their files are then theirs inside too), else brink's
 * non-root user.
 *
 * @example
 * containerUser({ uid: 1000, gid: 1000 }, false); // "1000:1000"
 * containerUser({ uid: 0, gid: 0 }, false);       // "10001:10001"
 */
export function containerUser(invoker: Invoker, remote: boolean): string {
  const { uid, gid } = invoker;
  if (remote || uid === undefined || gid === undefined || uid === 0) return CONTAINER_USER;
  return `${uid}:${gid}`;
}

/**
 * The first entry of `dir` (itself included; .git and symlinks skipped) that the user
 * `uid:gid` cannot read (a folder also needs x), or null when all can be read. Stops after
 * `limit` entries and answers null: the common failure, a 0700 checkout, shows at the top.
 *
 * @example
 * firstUnreadable("/root/app", 10001, 10001); // "/root/app" for a 0700 folder owned by root
 */
export function firstUnreadable(
  dir: string,
  uid: number,
  gid: number,
  limit = READABLE_SCAN_LIMIT,
): string | null {
  const walk = unreadableWalk(dir, uid, gid, limit);
  for (let step = walk.next(); ; step = walk.next()) if (step.done) return step.value;
}

/** firstUnreadable's walk, one entry a step: the answer is the generator's return value. */
function* unreadableWalk(
  dir: string,
  uid: number,
  gid: number,
  limit: number,
): Generator<void, string | null> {
  const queue = [dir];
  for (let seen = 0; queue.length && seen < limit; seen++) {
    const path = queue.shift() as string;
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    const shift = st.uid === uid ? 6 : st.gid === gid ? 3 : 0;
    const need = st.isDirectory() ? 0o5 : 0o4;
    if (((st.mode >> shift) & need) !== need) return path;
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== ".git") queue.push(join(path, name));
    }
    yield;
  }
  return null;
}

/** Walks started ahead of need, by project folder (scanProjectEarly). */
const early = new Map<string, Promise<string | null>>();

/**
 * Starts the check projectAccess makes when brink runs as root on a local engine (can the
 * container's user read the project?) in slices of 500 entries between the engine's
 * answers, so walking a big project (~15 ms for 20 000 entries) overlaps the session's
 * calls instead of following them. Errors (a vanished file) come out where it is used.
 *
 * @example
 * scanProjectEarly(project); // then: await scope.session(); await projectAccess(...)
 */
export function scanProjectEarly(project: string, invoker: Invoker = currentInvoker()): void {
  if (containerUser(invoker, false) !== CONTAINER_USER || early.has(project)) return;
  const walk = unreadableWalk(project, CONTAINER_UID, CONTAINER_GID, READABLE_SCAN_LIMIT);
  const sliced = async (): Promise<string | null> => {
    for (let n = 1; ; n++) {
      const step = walk.next();
      if (step.done) return step.value;
      if (n % 500 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  const scan = sliced();
  scan.catch(() => {});
  early.set(project, scan);
}

/** This process's uid and gid. */
function currentInvoker(): Invoker {
  return { uid: process.getuid?.(), gid: process.getgid?.() };
}

/**
 * A private copy of the project (without .git) in a temporary folder, owned by the
 * container user when brink runs as root, so the container may write to it.
 *
 * @example
 * const { dir, remove } = writableCopy("/home/me/app", "10001:10001");
 */
export function writableCopy(project: string, user: string): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "brink-writable-"));
  const dir = join(root, "project");
  cpSync(project, dir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => basename(src) !== ".git",
  });
  if (process.getuid?.() === 0) {
    const [uid, gid] = user.split(":").map(Number) as [number, number];
    const own = (path: string) => {
      chownSync(path, uid, gid);
      if (lstatSync(path).isDirectory())
        for (const name of readdirSync(path)) own(join(path, name));
    };
    own(dir);
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Gives the containers of a command the project at /work:
 * - read-only bind mount on a local engine, run as the invoking user when not root;
 * - as root, a project brink's user cannot read (a checkout under a 0700 home) is copied
 *   into a per-run image, as for a remote engine (`projectMount`);
 * - `writable`: a private writable copy, bind-mounted read-write; the user's files are never
 *   changed. Remote engines get the project inside a read-only image, so not this.
 *
 * @example
 * const access = await projectAccess(session, "/home/me/app", { writable: false });
 * try { ... access.image, access.project, access.user ... } finally { await access.cleanup() }
 */
export async function projectAccess(
  session: EngineSession,
  project: string,
  options: { writable?: boolean; signal?: AbortSignal; invoker?: Invoker } = {},
): Promise<ProjectAccess> {
  const invoker = options.invoker ?? currentInvoker();
  const user = containerUser(invoker, session.remote);
  if (options.writable) {
    if (session.remote) {
      throw new BrinkError(
        "USAGE",
        "--writable-project needs a local engine: a remote one gets the project inside a read-only image; drop the flag or use a local engine",
      );
    }
    const copy = writableCopy(project, user);
    return {
      image: session.image.tag,
      project: copy.dir,
      user,
      writable: true,
      cleanup: async () => copy.remove(),
    };
  }
  if (!session.remote && user === CONTAINER_USER) {
    const started = options.invoker ? undefined : early.get(project);
    early.delete(project);
    const blocked = started
      ? await started
      : firstUnreadable(project, CONTAINER_UID, CONTAINER_GID);
    if (blocked) {
      const why = `${blocked} is not readable by the container's user (${CONTAINER_USER})`;
      const mount = await projectMount({ ...session, remote: true }, project, options.signal, why);
      return { ...mount, user, writable: false };
    }
  }
  const mount = await projectMount(session, project, options.signal);
  return { ...mount, user, writable: false };
}
