// Entry of dist/replayAdapter.js: the replay debug adapter as its own process, speaking DAP over stdin/stdout.
import { DebugSession } from '@vscode/debugadapter';
import { ReplaySession } from './replaySession';
import { WorkspaceRunSource } from './workspaceRunSource';

class ProcessReplaySession extends ReplaySession {
  constructor() {
    super(new WorkspaceRunSource(process.env));
  }
}

DebugSession.run(ProcessReplaySession);
