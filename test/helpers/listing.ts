// Reading a store's typed listing in tests: the runs of a store that could be listed (failing the test, with the
// store's sentence, when it could not), or the sentence of one that could not.
import assert from 'node:assert/strict';
import type { RunSummary } from '../../src/core/runlog/model';
import type { StoreListing } from '../../src/core/stores/runLogStore';

export function runsIn(listing: StoreListing): RunSummary[] {
  assert.equal(listing.kind, 'runs', listing.kind === 'unavailable' ? `the store could not be listed: ${listing.message}` : '');
  return (listing as { runs: RunSummary[] }).runs;
}

export function unavailableIn(listing: StoreListing): string {
  assert.equal(listing.kind, 'unavailable', 'the store was expected to be unavailable, and it listed runs');
  return (listing as { message: string }).message;
}

/** listRunsFirst's answer with both listings as runs (failing the test when the store could not be listed). */
export function firstRuns(r: { listing: StoreListing; summaries: Promise<StoreListing> }): { runs: RunSummary[]; summaries: Promise<RunSummary[]> } {
  const summaries = r.summaries.then(runsIn);
  summaries.catch(() => undefined);
  return { runs: runsIn(r.listing), summaries };
}
