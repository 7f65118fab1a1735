/**
 * The BOUN room's desks, read from the dataset's own floor plan (map_tetam_sensors.png), as
 * obstacles for a "furnished" site file: nobody walks through a desk, so no fix should lie on
 * one. Each desk is a brown block of the plan; four desks push together into a block, and each
 * block becomes one rectangular obstacle. The chairs around them stay walkable (people sit there).
 *
 * Pixel to metres, from cnf_tetam.par and checked against the sensors' dots on the plan: one
 * pixel is `parity` = 0.0296 m, the origin is pixel (column 22, row 9), and the plan is drawn
 * with the site's x axis down the image and its y axis across it (sensor (0.71, 6.16) is the
 * dot at column 230, row 33).
 */
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, row-major. */
  rgba: Uint8Array;
}

/** A minimal PNG decoder: 8-bit RGB or RGBA, non-interlaced (what the BOUN plans are). */
export function decodePng(bytes: Uint8Array): DecodedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      channels = colour === 6 ? 4 : colour === 2 ? 3 : 0;
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error('only 8-bit RGB(A), non-interlaced PNGs are supported');
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rgba = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[i] = (line[i]! + predictor) & 255;
    }
    for (let x = 0; x < width; x++)
      for (let k = 0; k < 4; k++) rgba[(y * width + x) * 4 + k] = k < channels ? out[x * channels + k]! : 255;
    prev = out;
  }
  return { width, height, rgba };
}

/** The plan's desk brown (the furniture is drawn dimmed, in shades of (136, 112, 72)). */
function isDesk(img: DecodedImage, x: number, y: number): boolean {
  const i = (y * img.width + x) * 4;
  const [r, g, b, a] = [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!, img.rgba[i + 3]!];
  return a > 0 && r >= 115 && r <= 175 && g >= 95 && g <= 145 && b >= 55 && b <= 100 && r - b > 40;
}

/** Bounding boxes `[col0, row0, col1, row1]` of the plan's desks (connected brown areas). */
function deskPixels(img: DecodedImage, minPixels = 300): [number, number, number, number][] {
  const seen = new Uint8Array(img.width * img.height);
  const boxes: [number, number, number, number][] = [];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      if (seen[y * img.width + x] || !isDesk(img, x, y)) continue;
      const box: [number, number, number, number] = [x, y, x, y];
      let n = 0;
      const stack = [x, y];
      seen[y * img.width + x] = 1;
      while (stack.length > 0) {
        const cy = stack.pop()!;
        const cx = stack.pop()!;
        n++;
        box[0] = Math.min(box[0], cx);
        box[1] = Math.min(box[1], cy);
        box[2] = Math.max(box[2], cx);
        box[3] = Math.max(box[3], cy);
        for (const [dx, dy] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ] as const) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= img.width || ny >= img.height) continue;
          if (seen[ny * img.width + nx] || !isDesk(img, nx, ny)) continue;
          seen[ny * img.width + nx] = 1;
          stack.push(nx, ny);
        }
      }
      if (n >= minPixels) boxes.push(box);
    }
  return boxes;
}

export const BOUN_METRES_PER_PIXEL = 0.029599051601892735;
export const BOUN_ORIGIN_PIXEL = { column: 22, row: 9 };

/** Rectangles `[xmin, ymin, xmax, ymax]` in site metres, desks that touch merged into blocks. */
export function bounDeskBlocks(img: DecodedImage): [number, number, number, number][] {
  const s = BOUN_METRES_PER_PIXEL;
  const { column, row } = BOUN_ORIGIN_PIXEL;
  const rects = deskPixels(img).map(([c0, r0, c1, r1]): [number, number, number, number] => [
    (r0 - row) * s,
    (c0 - column) * s,
    (r1 + 1 - row) * s,
    (c1 + 1 - column) * s,
  ]);
  // Desks pushed together (a few pixels of outline between them) form one block.
  const touch = (a: number[], b: number[]) =>
    b[0]! <= a[2]! + 0.15 && b[2]! >= a[0]! - 0.15 && b[1]! <= a[3]! + 0.15 && b[3]! >= a[1]! - 0.15;
  const blocks: [number, number, number, number][] = rects.map((r) => [...r]);
  // Merge any two blocks that touch, until none do.
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < blocks.length && !merged; i++)
      for (let j = i + 1; j < blocks.length && !merged; j++) {
        const a = blocks[i]!;
        const b = blocks[j]!;
        if (!touch(a, b)) continue;
        blocks[i] = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
        blocks.splice(j, 1);
        merged = true;
      }
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return blocks
    .map((b): [number, number, number, number] => [round(b[0]), round(b[1]), round(b[2]), round(b[3])])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export async function readBounDeskBlocks(path: string): Promise<[number, number, number, number][]> {
  return bounDeskBlocks(decodePng(new Uint8Array(await readFile(path))));
}
