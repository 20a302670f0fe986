// Placeholder until remote stores land; its owner replaces this file.
import type { Services } from '../services';

export function registerRemote(_services: Services): void {
  // not yet implemented
}
