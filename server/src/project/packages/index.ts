// dbt packages without Python: `installPackages` (floe deps) and `missingPackages` (the editor's and check's hint).
export { installPackages, packagesInstallPath, type DepsOptions, type DepsReport } from './install';
export { missingPackages, missingPackagesMessage, mentionsMissingPackage, type MissingPackage } from './missing';
export { PackageError } from './errors';
