// URLs as they may be shown or logged.

/** `http://user:pass@host` → `http://host`: an endpoint may carry credentials; they are never shown. */
export function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
