// Draws media/icon.png (128x128): stacked ice floes (bronze, silver, gold) on dark water. Run once; the PNG is committed.
// Hand-written because no image tool is installed here; 4x4 supersampling gives smooth edges.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 128;
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const shapes = [
  { color: hex('#1d6fa3'), points: [[14, 86], [40, 70], [92, 66], [116, 80], [104, 98], [30, 102]] },
  { color: hex('#b08d57'), points: [[22, 78], [44, 62], [88, 58], [108, 72], [96, 86], [36, 90]] },
  { color: hex('#c0c7cf'), points: [[28, 68], [48, 52], [84, 48], [102, 62], [90, 74], [42, 78]] },
  { color: hex('#e8c14a'), points: [[36, 56], [54, 40], [80, 36], [96, 50], [84, 62], [48, 64]] },
  { color: hex('#ffffff'), points: [[50, 44], [60, 34], [76, 32], [84, 42], [74, 50], [56, 52]] },
];
const water = hex('#0b3a5b');

function inPolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare(x, y, r = 22) {
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function sample(x, y) {
  if (!inRoundedSquare(x, y)) return null;
  let color = water;
  for (const s of shapes) if (inPolygon(x, y, s.points)) color = s.color;
  return color;
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < 4; sy++)
      for (let sx = 0; sx < 4; sx++) {
        const c = sample(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
        if (!c) continue;
        acc[0] += c[0];
        acc[1] += c[1];
        acc[2] += c[2];
        acc[3] += 1;
      }
    const o = 1 + x * 4;
    if (acc[3] > 0) for (let k = 0; k < 3; k++) row[o + k] = Math.round(acc[k] / acc[3]);
    row[o + 3] = Math.round((acc[3] / 16) * 255);
  }
  rows.push(row);
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../media/icon.png');
writeFileSync(out, png);
