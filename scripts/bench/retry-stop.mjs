// Bench: Retry locally, from the command to the debugger's `stopped` event in deploy_model, split into our own
// TypeScript work (plan, pre-flight, launch config minus the wait on the Python probe: target < 300 ms), the probe
// subprocess (locate + dag check), the debug adapter's start and the debuggee to the stop,
// against the same retry run without VS Code (Python process start to the failed function's call).
// The VS Code numbers come from the integration test "Retry locally on prod-failure-001", which prints a
// `[bench] retry-stop …` line; it runs in code-server (needs tools/code-server and the .vscode-test venv).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const venvPython = path.join(repo, '.vscode-test', 'venv', 'bin', 'python');
const python = process.env.RUNNABLE_TEST_PYTHON || (fs.existsSync(venvPython) ? venvPython : 'python3');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let realRunnable = true;
try { execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' }); } catch { realRunnable = false; }
const pyEnv = realRunnable ? {} : { PYTHONPATH: path.join(repo, 'test', 'standin') };

// ---- without VS Code: the same retry, timed to the failed function's call ---------------------------------------
function plainOnce() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-retry-bench-'));
  fs.cpSync(path.join(repo, 'examples'), tmp, { recursive: true });
  // The plan's argv for an SDK pipeline (core/retry/launch.ts sdkArgv), with a probe that reports the call.
  // functools.wraps keeps the name, module and signature, so the pipeline's dag (and its hash) is unchanged.
  const code = 'import functools, importlib, os, sys, functions\n'
    + '@functools.wraps(functions.deploy_model)\n'
    + 'def probe(*a, **k):\n    print("REACHED", flush=True)\n    os._exit(0)\n'
    + 'functions.deploy_model = probe\n'
    + 'sys.path.insert(0, ""); getattr(importlib.import_module("pipeline"), "main")()\n';
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(python, ['-c', code], {
      cwd: tmp,
      env: { ...process.env, ...pyEnv, RUNNABLE_RETRY_RUN_ID: 'prod-failure-001', RUNNABLE_RETRY_INDICATOR: '2', RUNNABLE_CONFIGURATION_FILE: 'runnable-config.yaml' },
    });
    let out = '';
    let reached;
    p.stdout.on('data', (d) => {
      out += d;
      if (reached === undefined && out.includes('REACHED')) reached = performance.now() - t0;
    });
    p.on('close', () => {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (reached === undefined) reject(new Error(`the plain retry never called deploy_model:\n${out.slice(-800)}`));
      else resolve(reached);
    });
  });
}

const plain = [];
for (let i = 0; i < REPEAT; i++) plain.push(await plainOnce());
console.log(`without VS Code (${realRunnable ? 'runnable' : 'stand-in'}): process start -> deploy_model called: median ${median(plain).toFixed(0)} ms over ${REPEAT}`);

// ---- in VS Code (code-server): command -> stopped ----------------------------------------------------------------
if (!fs.existsSync(path.join(repo, 'tools', 'code-server', 'node_modules', 'code-server'))) {
  console.log('code-server is not installed (tools/code-server/install.sh): skipping the in-VS Code part.');
  process.exit(0);
}
const r = spawnSync(process.execPath, [path.join(repo, 'scripts', 'run-integration.mjs')], {
  env: { ...process.env, RUNNABLE_TEST_PYTHON: python, VSCT_GREP: 'Retry locally on prod-failure-001' },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const line = (r.stdout ?? '').split('\n').find((l) => l.includes('[bench] retry-stop'));
if (!line) {
  console.log((r.stdout ?? '').split('\n').slice(-30).join('\n'));
  console.error('the integration test printed no [bench] line');
  process.exit(1);
}
const v = Object.fromEntries([...line.matchAll(/(\w+)=([\d.]+)/g)].map(([, k, x]) => [k, Number(x)]));
const plainMs = median(plain);
const oursTs = v.ours_ms - v.probe_blocked_ms;
const adapter = v.adapter_up_ms - v.ours_ms;
const debuggee = v.command_to_stopped_ms - v.adapter_up_ms;
console.log(`in VS Code: command -> stopped ${v.command_to_stopped_ms} ms`);
console.log(`  ours, TypeScript (plan + pre-flight + launch config, minus the wait on the probe): ${oursTs} ms  (target < 300 ms: ${oursTs < 300 ? 'met' : 'NOT met'})`);
console.log(`  Python probe (locate + dag check, one process${v.probe_cached ? ', reused from the cache' : ''}): blocked ${v.probe_blocked_ms} ms; subprocess wall ${v.probe_wall_ms} ms, its CPU ${v.probe_cpu_ms} ms`);
console.log(`    (plan ${v.plan_ms} ms, of which reading the run ${v.find_run_ms} ms; pre-flight ${v.preflight_ms} ms; total preparation ${v.ours_ms} ms wall,`
  + ` extension host CPU ${v.ours_cpu_ms} ms: on a loaded machine the CPU time is the meaningful one)`);
console.log(`  ours by CPU: ${v.ours_cpu_ms} ms (target < 300 ms: ${v.ours_cpu_ms < 300 ? 'met' : 'NOT met'})`);
console.log(`  debug adapter start (python -m debugpy.adapter answering initialize): ${adapter} ms`);
console.log(`  debuggee to stopped (debugpy launcher + Python + runnable to the breakpoint): ${debuggee} ms (same process without VS Code: ${plainMs.toFixed(0)} ms)`);
console.log(`  ratios: debuggee/baseline ${(debuggee / plainMs).toFixed(2)}x; ours (TS)/whole ${(oursTs / v.command_to_stopped_ms * 100).toFixed(1)}%; Python probe/whole ${(v.probe_blocked_ms / v.command_to_stopped_ms * 100).toFixed(1)}%`);
