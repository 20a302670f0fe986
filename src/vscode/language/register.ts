// Placeholder until the feature lands; the feature's owner replaces this file.
import type { Services } from '../services';

export function registerLanguage(_services: Services): void {
  // not yet implemented
}
