// The one way to turn a caught value into the sentence a user or the log sees: an Error's message, else the value.
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
