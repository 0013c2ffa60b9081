// Settings per resource, cached until the client says the configuration changed (never server globals).
import type { Connection } from 'vscode-languageserver';

export interface FloeSettings {
  /** Bind models in DuckDB for schema-aware diagnostics (floe.binder.enabled). */
  binderEnabled: boolean;
  /** Rows a preview fetches (floe.preview.rowLimit). */
  previewRowLimit: number;
  /** Run the local lakehouse when no catalog is configured (floe.localLakehouse.enabled). */
  localLakehouse: boolean;
}

const DEFAULTS: FloeSettings = { binderEnabled: true, previewRowLimit: 500, localLakehouse: true };

export class SettingsCache {
  private readonly cache = new Map<string, Promise<FloeSettings>>();

  constructor(private readonly connection: Connection, private readonly supported: () => boolean) {}

  get(resource: string): Promise<FloeSettings> {
    if (!this.supported()) return Promise.resolve(DEFAULTS);
    let s = this.cache.get(resource);
    if (!s) {
      s = this.connection.workspace.getConfiguration({ scopeUri: resource, section: 'floe' }).then(
        (raw: any) => ({
          binderEnabled: raw?.binder?.enabled ?? DEFAULTS.binderEnabled,
          previewRowLimit: Number.isSafeInteger(raw?.preview?.rowLimit) && raw.preview.rowLimit > 0 ? raw.preview.rowLimit : DEFAULTS.previewRowLimit,
          localLakehouse: raw?.localLakehouse?.enabled ?? DEFAULTS.localLakehouse,
        }),
        () => DEFAULTS,
      );
      this.cache.set(resource, s);
    }
    return s;
  }

  clear(): void {
    this.cache.clear();
  }
}
