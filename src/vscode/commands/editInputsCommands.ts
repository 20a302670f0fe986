// Edit Inputs, Then Retry in the Sandbox: on a sandbox copy of a run (pulled, or a local run copied there first when
// the user agrees), the step's json inputs open as `<sandbox>/.edits/<run>/<step>.attempt-<n>.inputs.json` with a
// schema beside it; saving writes them into the sandbox's run log (core/sandbox/editInputs.ts says which field and why)
// and offers the retry there. The store a run came from is never written: a run outside a sandbox is refused.
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { DEFAULT_SANDBOX } from '../../core/pull/pullRun';
import { parsePyJson, PyNumber, type PyJson } from '../../core/retry/pyJson';
import { firstFailedTask } from '../../core/runlog/rules';
import { checkAgainst, dumpIndented, inputsSchema, readEditableInputs, writeEditedInputs, type EditableInputs, type InputsEditRecord } from '../../core/sandbox/editInputs';
import { copyRunToSandbox, sandboxOf } from '../../core/sandbox/sandboxCopy';
import { localRunLogFiles } from '../../core/stepDebug/stepDebug';
import { folderOfStore } from '../debug/startSession';
import { toRunRef, type RunRef, type Services } from '../services';
import { Commands } from '../../core/commandIds';
import { errorMessage } from '../../core/text/errorMessage';
import { registerCommand } from './registerCommand';
import { relistStoreOf } from '../explorer/configStore';

export interface SaveResult { ok: boolean; record?: InputsEditRecord; problem?: string }

export interface EditInputsResult {
  /** The document to edit, and the sandbox run it writes into. */
  file?: string;
  sandboxRef?: RunRef;
  inputs?: EditableInputs;
  /** Why nothing opened (a sentence the user also saw). */
  refused?: string;
  /** Resolves at the next save of the document with what it did. */
  nextSave?: () => Promise<SaveResult>;
}

interface Session { sandbox: string; sandboxRef: RunRef; inputs: EditableInputs; schema: Record<string, unknown>; waiters: ((r: SaveResult) => void)[] }

const safe = (s: string) => s.replace(/[^\w.-]+/g, '_').slice(0, 80);

export function registerEditInputsCommands(services: Services): vscode.Disposable[] {
  const sessions = new Map<string, Session>();

  /** The sandbox store listing the run (a sandbox outside the workspace folders is added to the Runs view). */
  const sandboxRefOf = async (configFile: string, runId: string): Promise<RunRef | undefined> => {
    const d = await relistStoreOf(services.runs, configFile);
    return d ? { storeId: d.id, runId } : undefined;
  };

  const editInputs = async (arg?: unknown, options: { sandbox?: string; copy?: boolean } = {}): Promise<EditInputsResult | undefined> => {
    const refuse = (sentence: string, ...actions: string[]): EditInputsResult => {
      void vscode.window.showErrorMessage(sentence, ...actions).then((choice) => {
        if (choice === 'Pull Run to Local Sandbox') void vscode.commands.executeCommand(Commands.pullRun, ref);
      });
      return { refused: sentence };
    };
    if (!vscode.workspace.isTrusted) return refuse('Edit Inputs writes a sandbox copy of the run into this workspace, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) first.');
    const ref = toRunRef(arg) ?? (await services.runs.pickRun({ failedOnly: true, title: 'Edit the inputs of a failed run, then retry it in the sandbox' }));
    if (!ref) return undefined;
    const node = arg && typeof arg === 'object' ? (arg as { kind?: unknown; attempt?: { number?: unknown } }) : undefined;
    const attempt = node?.kind === 'attempt' && typeof node.attempt?.number === 'number' ? node.attempt.number : undefined;
    let store = services.runs.store(ref.storeId);
    if (!store) return refuse(`The store of ${ref.runId} is no longer listed; refresh the Runs view.`);
    let run = await services.runs.getRun(ref);
    const step = ref.stepInternalName ?? firstFailedTask(run)?.step.internalName;
    if (!step) return refuse(`Run ${ref.runId} has no failed task step: name the step (its context menu in the Runs view).`);
    let sandboxRef: RunRef = { storeId: ref.storeId, runId: ref.runId };
    let sandbox = sandboxOf(store.descriptor);
    if (!sandbox) {
      if (store.descriptor.type !== 'file-system' && store.descriptor.type !== 'chunked-fs') {
        return refuse(`Edit Inputs writes only into a sandbox copy of a run, never into the store it came from: pull ${ref.runId} to the local sandbox first, then edit its inputs there.`, 'Pull Run to Local Sandbox');
      }
      const folder = folderOfStore(store);
      const to = options.sandbox ?? (folder ? path.join(folder.uri.fsPath, DEFAULT_SANDBOX) : undefined);
      if (!to) return refuse('Open a workspace folder first: the sandbox is created inside it.');
      let go = options.copy === true;
      if (!go) {
        const copy = 'Copy to Sandbox and Edit';
        const shown = folder && !path.relative(folder.uri.fsPath, to).startsWith('..') ? path.relative(folder.uri.fsPath, to) || '.' : to;
        go = (await vscode.window.showWarningMessage(`Edit Inputs writes only into a sandbox copy of a run, never into the store it came from. Copy ${ref.runId} into ${shown} and edit the copy?`, copy)) === copy;
      }
      if (!go) return { refused: `${ref.runId} is not in a sandbox; nothing was copied or written.` };
      const layout = run.layout ?? (store.descriptor.type === 'chunked-fs' ? 'chunked-fs' : 'file-system');
      const copied = await copyRunToSandbox(store.descriptor, ref.runId, layout, to);
      for (const s of copied.skipped) services.log.warn(`Copy of ${ref.runId} to the sandbox: ${s} is a symbolic link, not copied.`);
      services.log.info(`${copied.copied ? `Copied ${ref.runId} (${copied.files} files)` : `${ref.runId} was already`} in the sandbox ${copied.sandbox}; ${store.descriptor.location} is only read.`);
      const found = await sandboxRefOf(copied.configFile, ref.runId);
      if (!found) return refuse(`Copied ${ref.runId} into ${copied.sandbox}, but the Runs view does not list ${copied.configFile}; refresh it and run Edit Inputs on the sandbox copy.`);
      sandboxRef = found;
      store = services.runs.store(found.storeId)!;
      sandbox = copied.sandbox;
      run = await services.runs.getRun(found);
    }
    const files = await localRunLogFiles(store.descriptor, ref.runId, run.layout);
    const inputs = await readEditableInputs(files, ref.runId, step, attempt);
    if ('error' in inputs) return refuse(`Cannot edit the inputs of ${step}: ${inputs.error}`);
    const dir = path.join(sandbox, '.edits', safe(ref.runId));
    await fs.mkdir(dir, { recursive: true });
    const base = `${safe(step)}.attempt-${inputs.attempt}.inputs`;
    const schema = inputsSchema(inputs.values, `The json inputs ${step} receives when ${ref.runId} is retried in the sandbox`);
    await fs.writeFile(path.join(dir, `${base}.schema.json`), JSON.stringify(schema, null, 2));
    const file = path.join(dir, `${base}.json`);
    await fs.writeFile(file, dumpIndented({ $schema: `./${base}.schema.json`, ...inputs.values } as PyJson) + '\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    // A document already open from an earlier edit keeps its text: show what the file holds now.
    if (doc.getText() !== (await fs.readFile(file, 'utf8'))) await vscode.commands.executeCommand('workbench.action.files.revert', doc.uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const session: Session = { sandbox, sandboxRef, inputs, schema, waiters: [] };
    sessions.set(path.resolve(file), session);
    services.log.info(`Edit Inputs of ${step} (attempt ${inputs.attempt} of ${ref.runId}) in ${file}: saving writes the ${inputs.scope ? `branch ${inputs.scope}'s` : "run's"} parameters of ${inputs.file}.`);
    return { file, sandboxRef, inputs, nextSave: () => new Promise<SaveResult>((resolve) => session.waiters.push(resolve)) };
  };

  const onSave = async (doc: vscode.TextDocument): Promise<void> => {
    const s = sessions.get(path.resolve(doc.uri.fsPath));
    if (!s) return;
    const answer = (r: SaveResult): void => {
      for (const w of s.waiters.splice(0)) w(r);
    };
    let edited: PyJson;
    try {
      edited = parsePyJson(doc.getText());
    } catch (e) {
      const problem = `The inputs were not written: the document is not JSON (${errorMessage(e)}).`;
      void vscode.window.showErrorMessage(problem);
      return answer({ ok: false, problem });
    }
    const problem = checkAgainst(s.schema, edited);
    if (problem || !edited || typeof edited !== 'object' || Array.isArray(edited) || edited instanceof PyNumber) {
      const sentence = `The inputs were not written: ${problem ?? 'the document is not an object'}. Fix it and save again.`;
      void vscode.window.showErrorMessage(sentence);
      return answer({ ok: false, problem: sentence });
    }
    const values = Object.fromEntries(Object.entries(edited).filter(([k]) => k !== '$schema'));
    try {
      const record = await writeEditedInputs(s.sandbox, s.inputs, values);
      services.runs.refresh(s.sandboxRef.storeId);
      const what = record.changed.length ? record.changed.map((c) => `${c.name} = ${c.now}`).join(', ') : 'the recorded values';
      services.log.info(`Edit Inputs: wrote ${Object.keys(values).join(', ')} into ${s.inputs.file} (${s.inputs.scope ? `branch ${s.inputs.scope}` : 'run'} parameters); changed: ${what}.`);
      answer({ ok: true, record });
      const retry = 'Retry in Sandbox';
      void vscode.window.showInformationMessage(`Saved into the sandbox copy of ${s.inputs.runId}: a retry there passes ${what} to ${s.inputs.step}.`, retry).then((choice) => {
        if (choice === retry) void vscode.commands.executeCommand(Commands.retryLocally, s.sandboxRef);
      });
    } catch (e) {
      const sentence = errorMessage(e);
      void vscode.window.showErrorMessage(sentence);
      answer({ ok: false, problem: sentence });
    }
  };

  return [
    registerCommand(Commands.editInputs, editInputs, services.log),
    vscode.workspace.onDidSaveTextDocument((d) => void onSave(d)),
  ];
}
