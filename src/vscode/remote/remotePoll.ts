// A modest poll of the remote roots: one ListObjectsV2 pass per S3 store (no GETs) every interval while the window
// is focused; a store whose listing differs (runs added, removed or rewritten) is re-listed, and only that one.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { remoteDescriptors, s3StoreOf } from './remoteStores';

export const POLL_SECONDS = 60;

export function startRemotePoll(services: Services, seconds = POLL_SECONDS): vscode.Disposable {
  let busy = false;
  const ac = new AbortController();
  const tick = async (): Promise<void> => {
    if (busy || !vscode.window.state.focused) return;
    busy = true;
    try {
      for (const d of await remoteDescriptors(services)) {
        const store = s3StoreOf(services, d.id);
        if (!store) continue;
        try {
          if (await store.hasChanged(ac.signal)) {
            services.log.info(`${d.label}: remote runs changed; listing that store again.`);
            services.runs.refresh(d.id);
          }
        } catch {
          // Unreachable or refused: the root already shows that sentence; the next refresh re-reads it.
        }
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), seconds * 1000);
  return new vscode.Disposable(() => {
    clearInterval(timer);
    ac.abort();
  });
}
