// First contact without a failed run, in a real VS Code: the CodeLens on pipeline files, "Run with runnable" in a
// terminal with the config picked in the quick pick, "Debug with runnable" stopping in the pipeline under debugpy,
// and a runnable launch configuration written from Run and Debug's welcome. Everything runs on a temporary copy of
// examples/ (outside the workspace folder); the launch.json test restores examples/ as it was.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PipelineRunResult } from '../../src/vscode/pipelines/register';
import { acceptPicksUntil, copyExamples, getApi, log, repoRoot, testPython, waitFor, waitUntil, workspaceRoot } from './helpers';

async function lensesOf(file: string): Promise<vscode.CodeLens[]> {
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
}

const ours = (lenses: vscode.CodeLens[]) => lenses.filter((l) => l.command?.command.startsWith('runnable.'));

describe('First contact: pipeline files, Run and Debug', function () {
  this.timeout(180_000);
  const temps: string[] = [];
  let tmp: string;

  before(async () => {
    await getApi();
    tmp = copyExamples('runnable-first-contact-', temps);
    // The interpreter: the tests' Python, with the runnable stand-in on its path when runnable is not importable.
    const python = testPython();
    let interpreter = python;
    try {
      execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' });
    } catch {
      interpreter = path.join(tmp, '.python-with-standin');
      const standin = path.join(repoRoot(), 'test', 'standin');
      fs.writeFileSync(interpreter, `#!/bin/sh\nPYTHONPATH='${standin}'\${PYTHONPATH:+:$PYTHONPATH} exec '${python}' "$@"\n`, { mode: 0o755 });
    }
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', interpreter, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  it('the CodeLens sits on the Pipeline of a Python pipeline and on dag: of a YAML pipeline, and nowhere else', async () => {
    const py = ours(await lensesOf(path.join(tmp, 'pipeline.py')));
    assert.deepStrictEqual(py.map((l) => l.command?.title), ['$(play) Run with runnable', '$(debug-alt) Debug with runnable']);
    assert.deepStrictEqual(py.map((l) => l.command?.command), ['runnable.runPipeline', 'runnable.debugPipeline']);
    assert.strictEqual(py[0].range.start.line, 5, 'on `pipeline = Pipeline(` in main()');
    const yaml = ours(await lensesOf(path.join(tmp, 'pipeline.yaml')));
    assert.deepStrictEqual(yaml.map((l) => [l.command?.command, l.range.start.line]), [['runnable.runPipeline', 0], ['runnable.debugPipeline', 0]]);
    assert.deepStrictEqual(ours(await lensesOf(path.join(tmp, 'functions.py'))), [], 'the step functions are not a pipeline');
    assert.deepStrictEqual(ours(await lensesOf(path.join(tmp, 'runnable-config.yaml'))), [], 'a config is not a pipeline');
  });

  it('Run with runnable (the CodeLens) runs the pipeline in a terminal with the config picked in the quick pick', async () => {
    // A pipeline that first writes down how it was started (cwd, RUNNABLE_CONFIGURATION_FILE), then builds and executes.
    const file = path.join(tmp, 'first_run.py');
    const marker = path.join(tmp, 'first_run.started');
    fs.writeFileSync(file, [
      'import json, os, pathlib',
      `pathlib.Path(${JSON.stringify(marker)}).write_text(json.dumps({"cwd": os.getcwd(), "config": os.environ.get("RUNNABLE_CONFIGURATION_FILE")}))`,
      'from runnable import Pipeline, PythonTask',
      'from functions import load_data',
      '',
      'pipeline = Pipeline(steps=[PythonTask(function=load_data, name="load_data", returns=["data"])])',
      'pipeline.execute()',
      '',
    ].join('\n'));
    const [run] = ours(await lensesOf(file));
    assert.strictEqual(run?.command?.command, 'runnable.runPipeline');
    const opened = waitFor(vscode.window.onDidOpenTerminal, (t) => t.name.startsWith('runnable: first_run.py'), 60_000, 'the pipeline\'s terminal');
    let result: PipelineRunResult | undefined;
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<PipelineRunResult>(run.command!.command, ...(run.command!.arguments ?? []))).then((r) => { result = r; settled = true; });
    // Enter on the quick pick: its first row is the config runnable would use here (runnable-config.yaml).
    await acceptPicksUntil(() => settled, 'the config quick pick to be answered');
    await running;
    const terminal = await opened;
    log(`    terminal "${terminal.name}": ${result?.commandLine}`);
    assert.strictEqual(result?.configFile, path.join(tmp, 'runnable-config.yaml'));
    assert.strictEqual(terminal.name, 'runnable: first_run.py · runnable-config.yaml');
    const started = await waitUntil(() => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8'), { ms: 60_000, what: 'the pipeline to start in the terminal' });
    assert.deepStrictEqual(JSON.parse(started), { cwd: tmp, config: path.join(tmp, 'runnable-config.yaml') });
    terminal.dispose();
  });

  it('Run with runnable on a YAML pipeline asks for a parameters file beside it and passes it as RUNNABLE_PARAMETERS_FILE (runnable execute -p)', async () => {
    const file = path.join(tmp, 'pipeline.yaml');
    const [run] = ours(await lensesOf(file));
    const opened = waitFor(vscode.window.onDidOpenTerminal, (t) => t.name.startsWith('runnable: pipeline.yaml'), 60_000, 'the YAML pipeline\'s terminal');
    let result: PipelineRunResult | undefined;
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<PipelineRunResult>(run.command!.command, ...(run.command!.arguments ?? []))).then((r) => { result = r; settled = true; });
    // Enter on each quick pick: the config runnable uses here, then the first parameters file found beside the pipeline.
    await acceptPicksUntil(() => settled, 'the config and parameters quick picks to be answered');
    await running;
    const terminal = await opened;
    log(`    terminal "${terminal.name}": ${result?.commandLine}`);
    assert.strictEqual(result?.parametersFile, path.join(tmp, 'parameters.yaml'));
    assert.strictEqual(terminal.name, 'runnable: pipeline.yaml · runnable-config.yaml · parameters.yaml');
    const env = (terminal.creationOptions as vscode.TerminalOptions).env ?? {};
    assert.strictEqual(env.RUNNABLE_PARAMETERS_FILE, path.join(tmp, 'parameters.yaml'));
    assert.strictEqual(env.RUNNABLE_CONFIGURATION_FILE, path.join(tmp, 'runnable-config.yaml'));
    assert.match(result?.commandLine ?? '', / -m runnable\.cli execute pipeline\.yaml$/);
    terminal.dispose();
  });

  it('Debug with runnable (the CodeLens) runs the pipeline under debugpy and stops at a breakpoint in it, with the picked config', async () => {
    const file = path.join(tmp, 'pipeline.py');
    const lenses = ours(await lensesOf(file));
    const debug = lenses.find((l) => l.command?.command === 'runnable.debugPipeline');
    assert.ok(debug);
    const executeLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('pipeline.execute('));
    const bp = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(file), new vscode.Position(executeLine, 0)));
    vscode.debug.addBreakpoints([bp]);
    const stops: { session: vscode.DebugSession; threadId: number }[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { threadId: number; reason: string } }) => {
          if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push({ session, threadId: m.body.threadId });
        },
      }),
    });
    try {
      let settled = false;
      const starting = Promise.resolve(vscode.commands.executeCommand<boolean>(debug.command!.command, ...(debug.command!.arguments ?? []))).then((r) => { settled = true; return r; });
      await acceptPicksUntil(() => settled, 'the config quick pick to be answered');
      assert.strictEqual(await starting, true, 'the debug session started');
      const stop = await waitUntil(() => stops[0], { ms: 90_000, what: 'the debugger to stop in pipeline.py' });
      const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 });
      const frame = st.stackFrames[0] as { name: string; line: number; source?: { path?: string } };
      log(`    stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
      assert.strictEqual(frame.name, 'main');
      assert.strictEqual(frame.line, executeLine + 1);
      assert.strictEqual(path.posix.basename(frame.source?.path ?? ''), 'pipeline.py');
      assert.strictEqual(stop.session.configuration.env.RUNNABLE_CONFIGURATION_FILE, path.join(tmp, 'runnable-config.yaml'));
      assert.strictEqual(stop.session.configuration.program, file);
      const ended = waitFor(vscode.debug.onDidTerminateDebugSession, (s) => s.id === stop.session.id, 60_000, 'the session to end');
      await vscode.debug.stopDebugging(stop.session);
      await ended;
    } finally {
      tracker.dispose();
      vscode.debug.removeBreakpoints([bp]);
    }
  });

  it('a file that is not a pipeline is refused with a sentence saying what to open', async () => {
    const result = await vscode.commands.executeCommand<PipelineRunResult>('runnable.runPipeline', vscode.Uri.file(path.join(tmp, 'functions.py')));
    assert.match(result?.problem ?? '', /functions\.py is not a runnable pipeline: it should build a Pipeline/);
  });

  it('Create a runnable Launch Configuration (Run and Debug welcome) adds the retry and the open pipeline to launch.json', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.strictEqual(folder, workspaceRoot());
    const dotVscode = path.join(folder, '.vscode');
    const hadFolder = fs.existsSync(dotVscode);
    const launchFile = path.join(dotVscode, 'launch.json');
    const before = fs.existsSync(launchFile) ? fs.readFileSync(launchFile, 'utf8') : undefined;
    try {
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(folder, 'pipeline.py')));
      const added = await vscode.commands.executeCommand<vscode.DebugConfiguration[]>('runnable.createLaunchConfiguration');
      assert.deepStrictEqual(added?.map((c) => c.name), ['Runnable: Retry a failed run', 'Runnable: Debug pipeline.py']);
      const configs = vscode.workspace.getConfiguration('launch', vscode.Uri.file(folder)).get<vscode.DebugConfiguration[]>('configurations') ?? [];
      const debugPipeline = configs.find((c) => c.name === 'Runnable: Debug pipeline.py');
      assert.strictEqual(debugPipeline?.pipelineFile, '${workspaceFolder}/pipeline.py');
      assert.strictEqual(configs.find((c) => c.name === 'Runnable: Retry a failed run')?.runId, '${command:runnable.pickFailedRun}');
      await waitUntil(() => vscode.window.activeTextEditor?.document.uri.fsPath === launchFile, { events: [vscode.window.onDidChangeActiveTextEditor], what: 'launch.json to open' });
      // Again: nothing is added twice.
      assert.deepStrictEqual(await vscode.commands.executeCommand('runnable.createLaunchConfiguration'), []);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.getConfiguration('launch', vscode.Uri.file(folder)).update('configurations', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      if (before !== undefined) fs.writeFileSync(launchFile, before);
      else if (!hadFolder) fs.rmSync(dotVscode, { recursive: true, force: true });
      else fs.rmSync(launchFile, { force: true });
    }
  });
});
