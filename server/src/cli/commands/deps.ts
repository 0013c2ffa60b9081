// floe deps [PROJECT_DIR] [--upgrade]: installs the packages of packages.yml / dependencies.yml into dbt_packages/
// (or packages-install-path) as `dbt deps` does, and writes or honours package-lock.yml. Exit 1 when it can't.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError, type CliCommand } from '../command';
import { installPackages, PackageError } from '../../project/packages';

const USAGE = 'usage: floe deps [PROJECT_DIR] [--upgrade]';

export const depsCommand: CliCommand = {
  summary: 'deps [PROJECT_DIR] [--upgrade]: install dbt packages (hub, git, tarball, local) and write package-lock.yml',
  async run(args, io) {
    let upgrade = false;
    const rest: string[] = [];
    for (const arg of args) {
      if (arg === '--upgrade') upgrade = true;
      else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
      else rest.push(arg);
    }
    if (rest.length > 1) throw new UsageError(USAGE);
    const root = path.resolve(rest[0] ?? '.');
    if (!existsSync(path.join(root, 'dbt_project.yml'))) throw new UsageError(`${root} has no dbt_project.yml`);
    try {
      const report = await installPackages(root, { upgrade, log: (line) => io.out(`${line}\n`), warn: (line) => io.err(`${line}\n`) });
      if (report.installed.length) {
        io.out(`Installed ${report.installed.length} package${report.installed.length === 1 ? '' : 's'} into ${path.relative(root, report.installPath) || report.installPath}\n`);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof PackageError)) throw e;
      io.err(`floe deps: ${e.message}\n`);
      return 1;
    }
  },
};
