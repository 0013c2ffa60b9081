// binaryFormat on hand-made headers: each format and CPU the VSIX test relies on, and bytes that are none of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryFormat } from '../helpers/binary-format';

function bytes(size: number, writes: Array<[offset: number, values: number[]]>): Uint8Array {
  const out = new Uint8Array(size);
  for (const [offset, values] of writes) out.set(values, offset);
  return out;
}

const elf = (machine: number) => bytes(64, [[0, [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]], [18, [machine & 0xff, machine >> 8]]]);
const macho = (cpu: number[]) => bytes(32, [[0, [0xcf, 0xfa, 0xed, 0xfe]], [4, cpu]]);
const pe = (machine: number) => bytes(256, [[0, [0x4d, 0x5a]], [0x3c, [0x80]], [0x80, [0x50, 0x45, 0, 0, machine & 0xff, machine >> 8]]]);

test('ELF: x86-64 and aarch64 from e_machine', () => {
  assert.equal(binaryFormat(elf(0x3e)), 'ELF x86-64');
  assert.equal(binaryFormat(elf(0xb7)), 'ELF aarch64');
});

test('Mach-O: thin x86_64 and arm64, and a universal binary lists its slices', () => {
  assert.equal(binaryFormat(macho([0x07, 0, 0, 0x01])), 'Mach-O x86_64');
  assert.equal(binaryFormat(macho([0x0c, 0, 0, 0x01])), 'Mach-O arm64');
  const fat = bytes(64, [[0, [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]], [8, [0x01, 0, 0, 0x07]], [28, [0x01, 0, 0, 0x0c]]]);
  assert.equal(binaryFormat(fat), 'Mach-O universal x86_64+arm64');
});

test('PE: the COFF machine after the PE signature', () => {
  assert.equal(binaryFormat(pe(0x8664)), 'PE x64');
  assert.equal(binaryFormat(pe(0xaa64)), 'PE arm64');
});

test('anything else is unknown, also a truncated header', () => {
  assert.equal(binaryFormat(new TextEncoder().encode('#!/usr/bin/env node\n')), 'unknown');
  assert.equal(binaryFormat(new Uint8Array([0x7f, 0x45, 0x4c, 0x46])), 'unknown');
  assert.equal(binaryFormat(bytes(64, [[0, [0x4d, 0x5a]], [0x3c, [0x80]]])), 'unknown');
});
