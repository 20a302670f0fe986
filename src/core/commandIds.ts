// Every command id in one place; test/unit/manifest.test.ts checks these against package.json.
export const Commands = {
  // run explorer
  refresh: 'runnable.refresh',
  setFilter: 'runnable.setFilter',
  clearFilter: 'runnable.clearFilter',
  openRunLog: 'runnable.openRunLog',
  showStepOutput: 'runnable.showStepOutput',
  copyRunId: 'runnable.copyRunId',
  showNewFailures: 'runnable.showNewFailures',
  showMoreRuns: 'runnable.showMoreRuns',
  // retry
  retryLocally: 'runnable.retryLocally',
  retryWithoutDebugging: 'runnable.retryWithoutDebugging',
  retryWith: 'runnable.retryWith',
  retryRun: 'runnable.retryRun',
  copyRetryCommand: 'runnable.copyRetryCommand',
  pickFailedRun: 'runnable.pickFailedRun',
  debugStep: 'runnable.debugStep',
  createRegressionTest: 'runnable.createRegressionTest',
  showChangesSinceRun: 'runnable.showChangesSinceRun',
  retryAtRecordedCommit: 'runnable.retryAtRecordedCommit',
  editInputs: 'runnable.editInputs',
  // remote stores
  pullRun: 'runnable.pullRun',
  setCredentials: 'runnable.setCredentials',
  chooseAwsProfile: 'runnable.chooseAwsProfile',
  // details webview
  openRunDetails: 'runnable.openRunDetails',
  compareRuns: 'runnable.compareRuns',
  // replay
  replayRun: 'runnable.replayRun',
  retryFromReplay: 'runnable.retryFromReplay',
  // first contact: pipeline files, Run and Debug, the walkthrough
  runPipeline: 'runnable.runPipeline',
  debugPipeline: 'runnable.debugPipeline',
  createLaunchConfiguration: 'runnable.createLaunchConfiguration',
  selectInterpreter: 'runnable.selectInterpreter',
  getStarted: 'runnable.getStarted',
  // language server
  restartLanguageServer: 'runnable.restartLanguageServer',
} as const;
