// "Runnable: Choose AWS Profile": picks the AWS profile one minio / chunked-minio store reads with (from the shared
// files' profile names) and keeps it in the user setting `runnable.awsProfiles`, keyed by the store's endpoint and
// bucket, so the choice follows the bucket across workspaces. Only names are handled here, never keys.
import * as vscode from 'vscode';
import { awsProfileFor, awsProfileKey, listAwsProfiles } from '../../core/stores/s3/credentials';
import { readSettings, SETTINGS_SECTION } from '../settings';
import type { Services } from '../services';
import { s3StoreOf } from './remoteStores';
import { pickStore } from './setCredentialsCommand';

export interface ChooseProfileOptions {
  /** The answer, without asking (tests, callers that chose already); '' clears the choice. */
  profile?: string;
}

export function chooseProfileCommand(services: Services) {
  return async (arg?: unknown, options: ChooseProfileOptions = {}): Promise<string | undefined> => {
    const d = await pickStore(services, arg, 'Choose the AWS profile of which store?');
    if (!d) return undefined;
    const current = awsProfileFor(readSettings().settings.awsProfiles, d.id);
    let chosen = options.profile;
    if (chosen === undefined) {
      type Item = vscode.QuickPickItem & { profile: string };
      const names = listAwsProfiles(process.env);
      const items: Item[] = [
        { label: '$(circle-slash) No profile', description: current ? undefined : 'current', detail: 'The AWS default chain: environment keys, AWS_PROFILE or the default profile, web identity, container, instance role.', profile: '' },
        ...names.map((n) => ({ label: n, description: n === current ? 'current' : undefined, profile: n })),
      ];
      const picked = await vscode.window.showQuickPick(items, {
        title: `AWS profile for ${d.label}`,
        placeHolder: names.length ? 'Profiles from ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE)' : 'No profiles in ~/.aws/credentials or ~/.aws/config',
      });
      if (!picked) return undefined;
      chosen = picked.profile;
    }
    const key = awsProfileKey(d.id);
    const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const user = { ...((cfg.inspect<Record<string, string>>('awsProfiles')?.globalValue) ?? {}) };
    delete user[d.id];
    if (chosen) user[key] = chosen;
    else delete user[key];
    // A user setting: profile names are this machine's, not the project's. The store re-lists with it
    // (CredentialStore sees the setting change → RunsService.refresh of this store).
    await cfg.update('awsProfiles', user, vscode.ConfigurationTarget.Global);
    const store = s3StoreOf(services, d.id);
    services.log.info(`${d.label}: AWS profile ${chosen ? `"${chosen}"` : 'cleared (the AWS default chain)'} (runnable.awsProfiles["${key}"]).`);
    const configWins = store?.identity.source === 'config' || store?.identity.source === 'entered';
    void vscode.window.showInformationMessage(
      configWins
        ? `Saved, but ${d.label} reads with ${store!.identity.source === 'config' ? 'the keys in its config' : 'the credentials entered for it'}, which come first. Remove them to use the profile.`
        : chosen ? `${d.label} now reads with the AWS profile "${chosen}".` : `${d.label} now reads with the AWS default chain.`,
    );
    return chosen;
  };
}
