/**
 * Node flags for a one-shot `alliage` command (anything but `serve` and `worker`):
 * WebAssembly stays on its baseline compiler. PGlite's WebAssembly is otherwise
 * recompiled by V8's optimising tier in background threads, which an exiting process
 * waits for: ~2 s of wall time and ~2.5 s of CPU per command, for a process that runs
 * a handful of queries. `bin/alliage.js` applies the same list (it cannot import
 * TypeScript on an older Node, so it holds its own copy). The tests' short-lived `serve`
 * processes (`startServe`) use it too; a production `serve` does not.
 *
 * @example
 * spawn(process.execPath, [...ONE_SHOT_NODE_FLAGS, CLI_MAIN_PATH, 'org', 'list']);
 */
export const ONE_SHOT_NODE_FLAGS: readonly string[] = ['--liftoff-only'];
