// Runs Python snippets inside real Pyodide under Node, offline, for tests/pyodide_runner.py.
//
//   node tests/pyodide/run.mjs [--pyodide=FOLDER] WHEEL...   (npm ci in that folder first; tests/run.sh does)
//
// FOLDER holds the pyodide npm package in its node_modules: tests/pyodide (0.27.5, the default) or
// tests/pyodide-latest (the newest Pyodide xlwings Lite runs).
//
// Prints one JSON line when ready ({"ready": true, "python": ..., "installed": [...], timings}),
// then reads requests from stdin, one JSON object a line:
//   {"code": "...", "files": {"relative/path": "<base64>"}, "env": {"NAME": "value"}}
// and answers each with one JSON line: {"ok": true, "result": <the code's last expression>,
// "seconds": ..., "stdout": "..."} or {"ok": false, "error": "<Python traceback>"}.
// Python's own prints go to stderr, so stdout carries only the protocol.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const chosen = args[0]?.startsWith("--pyodide=") ? resolve(args.shift().slice("--pyodide=".length)) : here;
const wheels = args.map((p) => resolve(p));
const { loadPyodide, version } = await import(
  pathToFileURL(join(chosen, "node_modules", "pyodide", "pyodide.mjs")).href
);

// No network: everything the tests install comes from local files. Pyodide under Node fetches
// packages it lacks from a CDN; refusing fetch turns any such attempt into a clear error.
globalThis.fetch = async (url) => {
  throw new Error(`network disabled in the Pyodide tests (tried ${url})`);
};

const started = performance.now();
const pyodide = await loadPyodide({
  stdout: (line) => process.stderr.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
const loaded = performance.now();

// Host wheel files are copied into Pyodide's in-memory file system, then unpacked by driver.py.
const inside = wheels.map((path, i) => {
  const target = `/tmp/wheels/${path.split("/").pop()}`;
  if (i === 0) pyodide.FS.mkdirTree("/tmp/wheels");
  pyodide.FS.writeFile(target, readFileSync(path));
  return target;
});
pyodide.runPython(readFileSync(join(here, "driver.py"), "utf8"));
const install = pyodide.globals.get("install");
const run = pyodide.globals.get("run");
const setup = JSON.parse(install(pyodide.toPy(inside)));
const installed = performance.now();

process.stdout.write(
  JSON.stringify({
    ready: true,
    pyodide: version,
    ...setup,
    start_seconds: (loaded - started) / 1000,
    install_seconds: (installed - loaded) / 1000,
  }) + "\n",
);

// One request at a time, in order: each answer is written before the next line is read.
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  process.stdout.write((await run(line)) + "\n");
}
