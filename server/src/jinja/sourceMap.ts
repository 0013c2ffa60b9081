// Maps offsets in compiled SQL back to the template, so SQL errors point at the user's own text.

export interface MappedSegment {
  /** Start offset in the compiled output. */
  outStart: number;
  /** Template range: text segments map char by char from srcStart; expressions map to the whole block. */
  srcStart: number;
  srcEnd: number;
  kind: 'text' | 'expression';
}

export class SourceMap {
  constructor(readonly segments: MappedSegment[], readonly outputLength: number) {}

  /** The template range that produced compiled[offset, offset+length). */
  toTemplate(offset: number, length = 0): { start: number; end: number } {
    const a = this.at(offset);
    if (!a) return { start: 0, end: 0 };
    const b = length > 0 ? this.at(offset + length - 1) : a;
    const startRange = this.rangeOf(a, offset);
    if (!b || b !== a) {
      const endRange = b ? this.rangeOf(b, offset + length - 1) : startRange;
      return { start: Math.min(startRange.start, endRange.start), end: Math.max(startRange.end, endRange.end) };
    }
    if (a.kind === 'expression') return startRange;
    return { start: startRange.start, end: Math.min(startRange.start + Math.max(length, 0), a.srcEnd) };
  }

  private rangeOf(seg: MappedSegment, offset: number): { start: number; end: number } {
    if (seg.kind === 'expression') return { start: seg.srcStart, end: seg.srcEnd };
    const at = Math.min(seg.srcStart + (offset - seg.outStart), seg.srcEnd);
    return { start: at, end: Math.min(at + 1, seg.srcEnd) };
  }

  private at(offset: number): MappedSegment | undefined {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid].outStart <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found === -1 ? segs[0] : segs[found];
  }
}
