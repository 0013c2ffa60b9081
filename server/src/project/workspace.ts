// Several dbt projects in one workspace (multi-root): finds them and routes each file to its project.
import path from 'node:path';
import { DbtProject, findProjectRoots } from './project';

export class Workspace {
  readonly projects: DbtProject[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Indexes every dbt project under the folder. Returns the projects found. */
  addFolder(folder: string): DbtProject[] {
    const added: DbtProject[] = [];
    for (const root of findProjectRoots(folder)) {
      if (this.projects.some((p) => p.root === root)) continue;
      const project = DbtProject.load(root, this.env);
      this.projects.push(project);
      added.push(project);
    }
    // Deepest roots first, so a file goes to the innermost project.
    this.projects.sort((a, b) => b.root.length - a.root.length);
    return added;
  }

  removeFolder(folder: string): void {
    const abs = path.resolve(folder);
    for (let i = this.projects.length - 1; i >= 0; i--) {
      const rel = path.relative(abs, this.projects[i].root);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) this.projects.splice(i, 1);
    }
  }

  projectOf(file: string): DbtProject | undefined {
    const abs = path.resolve(file);
    return this.projects.find((p) => p.contains(abs));
  }
}
