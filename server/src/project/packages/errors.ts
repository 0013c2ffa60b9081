// The one error type of package installation: its message is written for the user (file, URL or package named).

export class PackageError extends Error {
  override name = 'PackageError';
}
