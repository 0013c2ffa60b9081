// dbt packages declared but not installed, and installing them (floe deps) from the editor.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export interface PackagesMissingParams {
  /** The project's root folder URI. */
  project: string;
  /** Names of the declared packages with no installed folder. */
  packages: string[];
  /** What to tell the user, naming the packages and the command. */
  message: string;
}

/** Sent by the server once per project (and again when the missing set changes). */
export namespace PackagesMissingNotification {
  export const method = 'floe/packagesMissing' as const;
  export const type = new NotificationType<PackagesMissingParams>(method);
}

export interface InstallPackagesParams {
  project: string;
}

export interface InstallPackagesResult {
  ok: boolean;
  /** A summary on success ("Installed dbt_utils 1.3.0, ..."), or the reason it failed, naming the package or file. */
  message: string;
}

/** Sent by the client: runs floe deps for the project, then re-indexes it. */
export namespace InstallPackagesRequest {
  export const method = 'floe/installPackages' as const;
  export const type = new RequestType<InstallPackagesParams, InstallPackagesResult, void>(method);
}
