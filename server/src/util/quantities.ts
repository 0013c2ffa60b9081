// Durations and sizes as people type and read them (CLI flags, explorer descriptions).

/** '0', '90s', '30m', '24h', '3d' → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!m || (m[2] === '' && Number(m[1]) !== 0)) throw new Error(`must be 0 or a number with s, m, h or d, got '${text}'`);
  const unit = { '': 0, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** '134217728', '128MiB', '1GB' → bytes (a positive whole number). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new Error(`must be a size in bytes, or a number with KiB, MiB, GiB, KB, MB or GB, got '${text}'`);
  return bytes;
}

/** 1536 → '1.5 KiB'. */
export function formatBytes(n: bigint | number): string {
  let v = Number(n);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} bytes` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
