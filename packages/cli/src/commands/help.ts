import { CATEGORIES } from "@brink/probes/host";

/** Where option descriptions start, in every section of every command's help. */
const COLUMN = 22;

/**
 * One section of options: a heading, then each flag and what it does, the descriptions
 * aligned on one column in every section; a description's later lines are indented to it.
 *
 * @example
 * options("Reports", [["--json FILE", "write the JSON report"]])
 */
export function options(heading: string, rows: [flag: string, text: string][]): string {
  const pad = " ".repeat(COLUMN);
  const lines = rows.map(([flag, text]) => {
    const head = `  ${flag}`;
    const body = text.split("\n").join(`\n${pad}`);
    return head.length < COLUMN ? `${head.padEnd(COLUMN)}${body}` : `${head}\n${pad}${body}`;
  });
  return [`${heading}:`, ...lines].join("\n");
}

/** The fence flags; `memory` says how the memory fence meets the disk one. */
const fences = (memory: string) =>
  options("Fences (sizes: 128m, 1.5g, 512MiB or bytes; defaults in brackets)", [
    ["--memory S", memory],
    ["--disk S", "size of the tmpfs at /scratch [100m]"],
    ["--stack S", "ulimit stack, soft = hard [1m]"],
    ["--nofile N", "ulimit nofile, soft = hard [256]"],
    ["--pids N", "processes and threads [100]"],
    ["--cpus N", "cpus, e.g. 1 or 0.5 [1; the cpu category 0.25]"],
  ]);
const FENCES = fences("memory limit, no swap [128m]; the disk container gets --disk more");
const ONE_FENCE = fences("memory limit, no swap [128m]; /scratch counts in it, so above --disk");

const PROJECT: [string, string][] = [
  ["--project DIR", "mounted read-only at /work [current directory]"],
  [
    "--writable-project",
    "give the containers a private writable copy instead\n(yours is never changed)",
  ],
];

/** --help text of each command. */
export const HELP: Record<string, string> = {
  main: `brink: run probes inside hard, verified resource fences and report, probe by probe,
whether the code failed gracefully.

Usage:
  brink                      interactive wizard (at a terminal)
  brink run [options]        run the built-in suite or --suite files in fenced containers
  brink exec [options] -- CMD [ARGS...]   run any command in one fenced container
  brink sweep --fault FAULT [options] -- CMD [ARGS...]
                             fail (or kill at) the Nth system call for every N, or fill the
                             disk; find the run that breaks CMD
  brink squeeze [--fence F]... [options] -- CMD [ARGS...]
                             find the least memory, disk, nofile, pids, stack CMD lives under
  brink list [--category ...] [--suite FILE] [--json]   list the probes
  brink doctor [--json]      check the engine and prove each fence is enforced
  brink init [--yes] [--force]   add a starter suite, a script and a CI workflow to this project
  brink clean [--all] [--dry-run]   remove what brink runs that are over left on the engine

Options everywhere: --help, --version, --no-color (NO_COLOR is respected too).
Exit codes: 0 all as expected, 1 a probe failed/errored/was killed, 2 usage error,
3 environment error (no engine, build failed; probes skipped because their fence did not
hold, unless run --allow-skip), 130 interrupted (SIGINT; 143 SIGTERM,
129 SIGHUP, 131 SIGQUIT, 141 when brink's output was closed): the run's containers are
removed and its reports written, marked incomplete.
Run "brink <command> --help" for a command's options.`,
  run: `Usage: brink run [options]

Runs probes per category, each category in its own fenced container (network none,
read-only root, no capabilities, non-root), up to --concurrency at once. Failures are shown
as they happen; then a summary and one line per report written. Report paths are checked
before anything starts.

${options("Probes", [
  ["--category LIST", `comma-separated: ${CATEGORIES.join(",")} [all]`],
  [
    "--probe LIST",
    "comma-separated probe ids, e.g. a failing one again (brink list shows them) [all]",
  ],
  ["--suite FILE", "a .ts file exporting probes (repeatable); replaces the built-in suite"],
  ["--timeout D", "per-probe timeout, e.g. 30s, 2m [each probe's own, 30s]"],
  [
    "--allow-skip",
    "exit 0 even when probes were skipped because their fence did not\nhold [off: exit 3]",
  ],
])}

${FENCES}

${options("Project", [...PROJECT, ["--concurrency N", "containers at once [number of cores]"]])}

${options("Reports", [
  ["--json FILE", "write the JSON report (schema: docs/reports.md in brink's repository)"],
  ["--junit FILE", "write JUnit XML (one testsuite per category)"],
  ["--markdown FILE", "write a Markdown table (also appended to $GITHUB_STEP_SUMMARY)"],
])}

Example: brink run --category fd,disk --nofile 64 --json reports/brink.json`,
  exec: `Usage: brink exec [options] -- CMD [ARGS...]

Runs CMD in one fenced container with the project mounted read-only at /work (the working
directory), /scratch writable and size-limited (BRINK_SCRATCH=/scratch), and bun on PATH.
Its output passes through at the pace its reader takes it; brink exits with its exit code
(137 when OOM-killed), 124 past --timeout, 130/143/129/131 when stopped by a signal, and
141 when its reader goes away (e.g. | head): the command is ended, its container removed.
When a fence ended it and its output shows which (an OOM kill, EMFILE, ENOSPC, EAGAIN from
a fork, a stack overflow), one "brink:" line on stderr says so. The image has bun, sleep and
strace: any other program is a usage error (exit 2) saying what to run instead.

${ONE_FENCE}

${options("Project", PROJECT)}

${options("Command", [
  ["--timeout D", 'end it after D, e.g. 30s or 2m (outcome "hung", exit 124) [none]'],
  [
    "--check CMD",
    'after CMD, run this in the same container on the same /scratch, e.g.\n"bun check.ts" (no shell); when CMD exits 0, its code is brink\'s [none]',
  ],
  [
    "--json FILE",
    "write {version, command, exitCode, signal, oomKilled, durationMs, fence,\noutcome, interruptedBy, error, check: {exitCode, output}}",
  ],
])}

Example: brink exec --memory 96m -- bun test`,
  sweep: `Usage: brink sweep --fault FAULT[,...] [options] -- CMD [ARGS...]

Each FAULT is swept in turn, every run in a fresh fenced container, --check after it on
the same /scratch:
  SYSCALL:ERRNO  the Nth matching call fails with ERRNO, N = 1, 2, ... (strace counts
                 each thread's calls: every call failed is listed, with coverage)
  SYSCALL:KILL   CMD is SIGKILLed on entering its Nth matching call (a crash point)
  disk:full      /scratch is filled so only K bytes stay free, K = 0, --step, ...
A run is handled (exit 0, check passes), reported (non-zero exit, check passes),
corrupted (check fails), crashed (a signal brink did not send), hung (past --timeout: its
whole process tree is killed) or died (the step gave no answer). A run with no fault gives
the real count. Stops when nothing is left to fail (disk:full: no write fell short), or at
--max.

${options("Sweep", [
  ["--fault LIST", "e.g. write:ENOSPC, fsync:EIO, write:KILL, disk:full"],
  ["--path P", "count only calls on this file (strace -P; repeatable),\ne.g. /scratch/data.json"],
  [
    "--check CMD",
    'invariant check run after each run, e.g. "bun check.ts"\n(no shell: quotes group)',
  ],
  ["--max N", "at most N runs per fault [500]"],
  ["--step S", "disk:full: bytes between two budgets [4096]"],
  ["--timeout D", 'per run; past it the run is "hung" [30s]'],
])}

${ONE_FENCE}

${options("Project", [...PROJECT, ["--concurrency N", "containers at once [number of cores]"]])}

${options("Reports", [
  ["--json FILE", "write the sweep report"],
  ["--junit FILE", "write JUnit XML (one testcase per run)"],
])}

Example: brink sweep --fault write:ENOSPC --path /scratch/data.json --check "bun check.ts" -- bun save.ts`,
  squeeze: `Usage: brink squeeze [--fence F]... [--range F=LOW..HIGH]... [options] -- CMD [ARGS...]

For each fence, with the others at their given or default values: finds the smallest value
at which CMD succeeds (exit 0, --check passing on the same /scratch, within --timeout), each
value --repeat times, by trying the top and the bottom of the range, then narrowing in
parallel containers (memory and disk to 1 MiB or 1%, stack to 16 KiB or 1%, counts
exactly). Records how CMD fails just below: oom-killed, error-exit, signal, corrupted
(the check failed), hung; error-exit is the graceful one. Prints a chart and a table;
exit 0 when every fence ends graceful below its cliff (or is not limiting), else 1.

${options("Squeeze", [
  [
    "--fence LIST",
    "memory, disk, nofile, pids, stack (repeatable or comma-separated)\n[memory,disk,nofile,pids]",
  ],
  [
    "--range F=LOW..HIGH",
    "where to search F, e.g. memory=64m..512m (repeatable)\n[memory 8m..1g, disk 1m..1g, nofile 12..4096, pids 2..1024,\nstack 64k..64m]",
  ],
  [
    "--check CMD",
    'run after CMD on the same /scratch, e.g. "bun check.ts";\nfailing is "corrupted" (no shell: quotes group)',
  ],
  ["--repeat N", "runs a value needs, all passing, to count as passing [2]"],
  ["--headroom P", "added to the threshold for the recommended value [25%]"],
  [
    "--timeout D",
    'per run; past it the run is "hung" [30s, then 10x the run at\nthe top of the range, 5s to 30s]',
  ],
])}

${fences("memory limit, no swap [128m]; /scratch counts in it")}

${options("Project", [...PROJECT, ["--concurrency N", "containers at once [number of cores]"]])}

${options("Reports", [
  ["--json FILE", "write the squeeze report (docs/squeeze.md)"],
  ["--junit FILE", "write JUnit XML (one testcase per fence)"],
  ["--markdown FILE", "write a Markdown table (also appended to $GITHUB_STEP_SUMMARY)"],
])}

Example: brink squeeze --fence memory --range memory=64m..1g -- bun parse.ts big.json`,
  list: `Usage: brink list [--category LIST] [--suite FILE] [--json]

Lists the probes: id, category, what is expected (graceful or killed) and the title.`,
  doctor: `Usage: brink doctor [--json]

Checks the engine (reachable, version, cgroup version), builds the probe image, and for each
fence starts a tiny container that proves the fence is enforced. What it found goes to
stdout, one line each (JSON with --json); what it is doing, to stderr. Exit 3 when a fence
does not hold.`,
  init: `Usage: brink init [--yes] [--force] [--category LIST] [--project DIR]

Writes into the project (the current directory): brink/suite.ts, a starter suite with one
probe per category; a "test:destructive" script in package.json (brink run --suite
brink/suite.ts); and .github/workflows/brink.yml, which runs brink's GitHub Action over a
matrix of the categories. At a terminal it asks; a file that exists and differs is only
overwritten after a yes (or with --force). Prints what it wrote and the command to run next.

  --yes, -y         ask nothing (for scripts); all categories unless --category
  --force           overwrite files that exist and differ (with --yes)
  --category LIST   comma-separated: ${CATEGORIES.join(",")} [all]
  --project DIR     the project to write into [current directory]

Example: brink init --yes && bun run test:destructive`,
  clean: `Usage: brink clean [--all] [--dry-run]

Removes the containers and per-run images (label dev.brink=1) of brink runs that are over:
their brink process is gone (same host), or started more than a day ago (another host).
A run still going is never touched. Every brink command also does this in the background.

  --all             remove everything labelled dev.brink=1: runs still going and the
                    probe image all runs share included
  --dry-run         list what would be removed and kept, and why; remove nothing`,
};
