// A run log that cannot be read as runnable wrote it (bad JSON, a missing field, an unreadable file), with a sentence
// and the file when there is one. The run log format owns it; the stores (which read run logs) raise it too.
export class RunLogError extends Error {
  constructor(message: string, readonly file?: string) {
    super(message);
    this.name = 'RunLogError';
  }
}
