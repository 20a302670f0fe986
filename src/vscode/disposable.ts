// The one disposable base of the glue (the shape of VS Code's own `Disposable` in its sources and of the Python and
// Markdown extensions): a class registers what it subscribes to or creates, and `dispose()` releases all of it once,
// newest first, even when one of them throws. Something registered after disposal is released at once, so a late
// subscription (an await that finished after the window closed) never leaks.
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposedFlag = false;

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Owns `first` (and `more`) until this is disposed; returns `first`. */
  protected register<T extends vscode.Disposable>(first: T, ...more: vscode.Disposable[]): T {
    for (const d of [first, ...more]) {
      if (this.disposedFlag) d.dispose();
      else this.owned.push(d);
    }
    return first;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // One failing release must not keep the others alive; there is nothing a caller could do with it.
      }
    }
  }
}
