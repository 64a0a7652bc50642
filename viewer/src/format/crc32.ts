/** CRC-32 (IEEE 802.3, reflected, as zlib), slicing-by-8 over lookup tables. */

const TABLES = buildTables();

function buildTables(): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n];
    for (let t = 1; t < 8; t++) {
      c = tables[c & 0xff] ^ (c >>> 8);
      tables[t * 256 + n] = c >>> 0;
    }
  }
  return tables;
}

/** Continue a CRC over more bytes: `crc32(b, crc32(a)) === crc32(a ++ b)`. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = TABLES;
  let crc = ~previous >>> 0;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const a = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    const b = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    crc =
      t[0x700 + (a & 0xff)] ^
      t[0x600 + ((a >>> 8) & 0xff)] ^
      t[0x500 + ((a >>> 16) & 0xff)] ^
      t[0x400 + (a >>> 24)] ^
      t[0x300 + (b & 0xff)] ^
      t[0x200 + ((b >>> 8) & 0xff)] ^
      t[0x100 + ((b >>> 16) & 0xff)] ^
      t[b >>> 24];
  }
  for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
