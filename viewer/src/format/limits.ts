/** Constants of the container (docs/format.md). */
export const MAGIC = Uint8Array.of(0x89, 0x44, 0x50, 0x48, 0x59, 0x53, 0x0d, 0x0a); // \x89DPHYS\r\n
export const END_MAGIC = Uint8Array.of(0x44, 0x50, 0x48, 0x59, 0x53, 0x45, 0x4e, 0x44); // DPHYSEND
export const FORMAT_MAJOR = 1;
export const FORMAT_MINOR = 0;

export const HEADER_SIZE = 16;
export const FRAME_SIZE = 8;
export const TRAILER_SIZE = 32;

export const MAX_RECORD = 64 * 1024 * 1024;
export const MAX_FOOTER = 256 * 1024 * 1024;

/** Padding index of a top-image list. */
export const ABSENT_INDEX = 0xffffffff;
/** Bytes per image reference in ImageTableChunk.images: u64 offset, u32 length, u32 CRC. */
export const IMAGE_REF_SIZE = 16;
