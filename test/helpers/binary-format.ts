// The object format and CPU of a native binary, read from its header bytes: ELF, Mach-O (thin or universal) and PE.
// Hand-written because the format libraries (file-type and alike) name the container but not the CPU, which is the
// point here: a VSIX must carry the binding for its own platform. Offsets from the ELF, Mach-O and PE/COFF specs.

/** e.g. 'ELF x86-64', 'ELF aarch64', 'Mach-O arm64', 'Mach-O x86_64', 'Mach-O universal x86_64+arm64', 'PE x64'. */
export function binaryFormat(head: Uint8Array): string {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length >= 20 && view.getUint32(0) === 0x7f454c46) {
    const little = head[5] === 1;
    const bits = head[4] === 2 ? '' : ' 32-bit';
    const machine = view.getUint16(18, little);
    return `ELF${bits} ${ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`}`;
  }
  if (head.length >= 8 && view.getUint32(0, true) === 0xfeedfacf) return `Mach-O ${machOCpu(view.getUint32(4, true))}`;
  if (head.length >= 8 && view.getUint32(0) === 0xcafebabe) {
    const count = view.getUint32(4);
    const cpus: string[] = [];
    for (let i = 0; i < count && 8 + 20 * i + 4 <= head.length; i++) cpus.push(machOCpu(view.getUint32(8 + 20 * i)));
    return `Mach-O universal ${cpus.join('+')}`;
  }
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 <= head.length && view.getUint32(pe) === 0x50450000) {
      const machine = view.getUint16(pe + 4, true);
      return `PE ${PE_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`}`;
    }
  }
  return 'unknown';
}

const ELF_MACHINES: Record<number, string> = { 0x03: 'x86', 0x28: 'arm', 0x3e: 'x86-64', 0xb7: 'aarch64' };
const PE_MACHINES: Record<number, string> = { 0x014c: 'x86', 0x8664: 'x64', 0xaa64: 'arm64' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x86_64', 0x0100000c: 'arm64', 7: 'i386' };

function machOCpu(cpuType: number): string {
  return MACHO_CPUS[cpuType] ?? `cpu 0x${cpuType.toString(16)}`;
}
