// Shared by the VS Code test runners and `npm start`: code-server on 127.0.0.1 with throwaway dirs,
// Debian's Chromium through playwright-core, the workbench URL with the extension payload, cleanup by PID.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** The demo workspace, also the integration-test workspace. */
export const EXAMPLES = path.join(ROOT, 'examples');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

export function codeServerEntry() {
  // Overridable so CI can point at a code-server installed elsewhere.
  const p = process.env.CODE_SERVER_ENTRY ?? path.join(ROOT, 'tools', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(p)) throw new Error(`code-server not found at ${p} (run tools/code-server/install.sh)`);
  return p;
}

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'remote.autoForwardPorts': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Installs unpacked extensions (folders with a package.json) into a fresh extensions dir the way the extension manager
 * does: a `<publisher>.<name>-<version>` folder each and the profile's extensions.json that lists them.
 */
function installExtensions(extensionsDir, folders) {
  const entries = folders.map((src) => {
    const m = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
    const id = `${m.publisher}.${m.name}`.toLowerCase();
    const rel = `${id}-${m.version}`;
    fs.cpSync(src, path.join(extensionsDir, rel), { recursive: true });
    return { identifier: { id }, version: m.version, location: { $mid: 1, scheme: 'file', path: path.join(extensionsDir, rel) }, relativeLocation: rel };
  });
  fs.writeFileSync(path.join(extensionsDir, 'extensions.json'), JSON.stringify(entries));
}

export async function startCodeServer({ env = {}, log = console.log, port: wantedPort, host = '127.0.0.1', settings = {}, extensions = [], vsix } = {}) {
  const port = wantedPort ?? await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vsct-cs-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // Extension folders installed beside ours: the caller's `extensions` (VSCT_EXTENSIONS, e.g. the Red Hat YAML
  // stand-in) and VSCT_EXTRA_EXTENSIONS (':'-separated, e.g. the Python Debugger extension's test double).
  const allExtensions = [...extensions, ...(process.env.VSCT_EXTRA_EXTENSIONS ?? '').split(':').filter(Boolean)];
  if (allExtensions.length) installExtensions(extensionsDir, allExtensions);
  // A packaged VSIX, installed as a user would (`code-server --install-extension`), into this server's extensions.
  if (vsix) {
    const r = spawnSync(process.execPath, [codeServerEntry(), '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status}): ${r.stderr || r.stdout}`);
    log(`[cs] ${r.stdout.trim().split('\n').pop()}`);
  }
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...settings }, null, 2));
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, '');
  const logFile = path.join(tmp, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  // code-server >= 4.103 needs a newer Node than the system's: install.sh puts one here.
  const privateNode = path.join(ROOT, 'tools', 'code-server', 'node', 'node_modules', '.bin', 'node');
  const node = process.env.CODE_SERVER_NODE ?? (fs.existsSync(privateNode) ? privateNode : process.execPath);
  const args = [codeServerEntry(),
    '--config', config, '--auth', 'none', '--bind-addr', `${host}:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', '--log', 'info'];
  // Newer VS Code (seen in 1.139) only honours the URL payload's
  // extensionDevelopmentPath/extensionTestsPath in a built product when the
  // smoke-test driver is enabled; newer code-server passes that through with
  // --vscode-option. Older code-server (4.100.x) has neither the gate nor the flag.
  const cliJs = fs.readFileSync(path.join(path.dirname(codeServerEntry()), 'cli.js'), 'utf8');
  if (cliJs.includes('"vscode-option"')) args.push('--vscode-option', 'enable-smoke-test-driver');
  const t0 = Date.now();
  // detached: own process group, so the extension host, pty host and debug
  // adapter children can all be ended by signalling -pid.
  // Own TMPDIR: VS Code leaves vscode-ipc-*.sock and vscode-typescript* there.
  const tmpdir = path.join(tmp, 'tmp');
  fs.mkdirSync(tmpdir);
  // VSCT_RUN_ID marks every descendant (env is inherited), including terminal
  // shells that node-pty puts in their own session, so stop() can find them.
  const runId = `${process.pid}-${port}`;
  const child = spawn(node, args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, TMPDIR: tmpdir, VSCT_RUN_ID: runId, ...env } });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  child.on('error', (e) => log(`[cs] could not start code-server: ${e.message}`));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early (${child.exitCode}); see ${logFile}`);
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() - t0 > 60_000) throw new Error(`code-server not up after 60s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`[cs] code-server pid ${child.pid} listening on ${url} after ${Date.now() - t0} ms (log: ${logFile})`);
  return {
    child, port, url, tmp, logFile, authority: `127.0.0.1:${port}`,
    async stop({ keepLogs = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exited; clearTimeout(t);
      }
      // stragglers of the group (ext host / debug adapter) if any
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ }
      for (const pid of pidsWithMarker(`VSCT_RUN_ID=${runId}`)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      if (!keepLogs) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function pidsWithMarker(marker) {
  const found = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(marker)) found.push(Number(d));
    } catch { /* exited or not ours */ }
  }
  return found;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchChromium() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vsct-chromium-'));
  // launchPersistentContext gives Chromium a new, empty --user-data-dir of ours.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() { await context.close().catch(() => {}); fs.rmSync(userDataDir, { recursive: true, force: true }); },
  };
}

/**
 * The workbench URL that opens `folder` with the extension under development loaded from the repo
 * root, and (for the integration tier) the mocha entry point, the way test-electron passes
 * --extensionDevelopmentPath / --extensionTestsPath. code-server takes both from the URL payload.
 */
export function workbenchUrl(cs, { folder = EXAMPLES, testsPath } = {}) {
  const remote = (p) => `vscode-remote://${cs.authority}${p}`;
  const payload = [['extensionDevelopmentPath', remote(ROOT)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${cs.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
