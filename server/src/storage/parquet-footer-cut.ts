// Cuts a Parquet footer (FileMetaData, Thrift compact protocol) down to its first row groups, keeping every other
// byte as written. Hand-written on purpose: decoding with a library and re-encoding would rewrite the whole footer,
// and any field the encoder does not know (logical types, field ids, column orders, key-value metadata, newer
// statistics) would be lost or changed for DuckDB. Here only `num_rows` (field 3) and the `row_groups` list
// (field 4) change; the walker below only measures where values end, it interprets nothing else.

const STOP = 0, TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12;
const NUM_ROWS = 3, ROW_GROUPS = 4;

/** The footer with only its first `keep` row groups and `rows` as its row count. Throws on a footer it cannot walk. */
export function footerWithFirstRowGroups(footer: Uint8Array, keep: number, rows: bigint): Uint8Array {
  const r = new Walker(footer);
  let numRows: [number, number] | undefined;
  let groups: { header: [number, number]; elements: Array<[number, number]> } | undefined;
  let field = 0;
  for (;;) {
    const header = r.byte();
    const type = header & 0x0f;
    if (type === STOP) break;
    const delta = header >> 4;
    field = delta === 0 ? r.zigzag32() : field + delta;
    const start = r.at;
    if (field === NUM_ROWS && type === I64) {
      r.varint();
      numRows = [start, r.at];
    } else if (field === ROW_GROUPS && type === LIST) {
      const { size, elementType } = r.listHeader();
      const headerEnd = r.at;
      if (elementType !== STRUCT) throw new Error('row_groups is not a list of structs');
      const elements: Array<[number, number]> = [];
      for (let i = 0; i < size; i++) {
        const from = r.at;
        r.skip(STRUCT);
        elements.push([from, r.at]);
      }
      groups = { header: [start, headerEnd], elements };
    } else {
      r.skip(type);
    }
  }
  if (!numRows || !groups) throw new Error('footer has no num_rows or row_groups');
  if (numRows[1] > groups.header[0]) throw new Error('footer lists row_groups before num_rows');
  if (keep < 0 || keep > groups.elements.length) throw new Error(`cannot keep ${keep} of ${groups.elements.length} row groups`);
  const kept = keep === 0 ? [] : [footer.subarray(groups.elements[0][0], groups.elements[keep - 1][1])];
  const listEnd = groups.elements.length === 0 ? groups.header[1] : groups.elements[groups.elements.length - 1][1];
  return concat([
    footer.subarray(0, numRows[0]), varint(zigzag64(rows)),
    footer.subarray(numRows[1], groups.header[0]), listHeader(keep, STRUCT), ...kept,
    footer.subarray(listEnd),
  ]);
}

class Walker {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('footer ends early');
    return this.bytes[this.at++];
  }

  varint(): bigint {
    let out = 0n, shift = 0n;
    for (;;) {
      const b = this.byte();
      out |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return out;
      shift += 7n;
      if (shift > 70n) throw new Error('varint too long');
    }
  }

  zigzag32(): number {
    const n = Number(this.varint());
    return (n >>> 1) ^ -(n & 1);
  }

  listHeader(): { size: number; elementType: number } {
    const b = this.byte();
    const short = b >> 4;
    return { size: short === 15 ? Number(this.varint()) : short, elementType: b & 0x0f };
  }

  advance(n: number): void {
    if (n < 0 || this.at + n > this.bytes.length) throw new Error('footer ends early');
    this.at += n;
  }

  /** Steps over one value of a compact-protocol type. */
  skip(type: number): void {
    switch (type) {
      case TRUE: case FALSE: return; // a struct field's bool lives in its header (list elements are read as BYTE)
      case BYTE: return this.advance(1);
      case I16: case I32: case I64: this.varint(); return;
      case DOUBLE: return this.advance(8);
      case BINARY: return this.advance(Number(this.varint()));
      case LIST: case SET: {
        const { size, elementType } = this.listHeader();
        for (let i = 0; i < size; i++) this.skip(elementType === TRUE || elementType === FALSE ? BYTE : elementType);
        return;
      }
      case MAP: {
        const size = Number(this.varint());
        if (size === 0) return;
        const kinds = this.byte();
        const [k, v] = [kinds >> 4, kinds & 0x0f].map((t) => (t === TRUE || t === FALSE ? BYTE : t));
        for (let i = 0; i < size; i++) { this.skip(k); this.skip(v); }
        return;
      }
      case STRUCT: {
        for (;;) {
          const header = this.byte();
          const t = header & 0x0f;
          if (t === STOP) return;
          if (header >> 4 === 0) this.varint(); // long-form field id
          this.skip(t);
        }
      }
      default: throw new Error(`unknown thrift type ${type}`);
    }
  }
}

function zigzag64(n: bigint): bigint {
  return n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
}

function varint(n: bigint): Uint8Array {
  const out: number[] = [];
  do {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? b | 0x80 : b);
  } while (n > 0n);
  return Uint8Array.from(out);
}

function listHeader(size: number, elementType: number): Uint8Array {
  return size < 15 ? Uint8Array.of((size << 4) | elementType) : concat([Uint8Array.of(0xf0 | elementType), varint(BigInt(size))]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
