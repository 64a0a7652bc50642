/**
 * Constants of the container (docs/format.md). tests/test_constants_agree.py
 * checks them against python/deephys/format (limits.py and the struct layouts):
 * keep every value on one `export const NAME = value;` line.
 */
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
/** Images are addressed by u32 indices in the summaries, ABSENT_INDEX aside. */
export const MAX_IMAGES = 0xfffffffe;
/** Bytes per image reference in ImageTableChunk.images: u64 offset, u32 length, u32 CRC. */
export const IMAGE_REF_SIZE = 16;
/** Width x height of an image a reader decodes at most (a decompression bomb is refused before decoding). */
export const MAX_IMAGE_PIXELS = 16 * 1024 * 1024;

// Where the fields lie (byte offsets, little-endian), after the magic in the header.
/** Header: magic, u16 major, u16 minor, u32 CRC of the bytes before it. */
export const HEADER_MAJOR_AT = 8;
export const HEADER_MINOR_AT = 10;
export const HEADER_CRC_AT = 12;
/** Record frame: u32 payload length, u32 payload CRC, then the payload. */
export const FRAME_LENGTH_AT = 0;
export const FRAME_CRC_AT = 4;
/** Trailer: u64 footer offset, u32 footer length, u32 footer CRC, u16 major, u16 minor, u32 CRC of the bytes before it, end magic. */
export const TRAILER_FOOTER_OFFSET_AT = 0;
export const TRAILER_FOOTER_LENGTH_AT = 8;
export const TRAILER_FOOTER_CRC_AT = 12;
export const TRAILER_MAJOR_AT = 16;
export const TRAILER_MINOR_AT = 18;
export const TRAILER_CRC_AT = 20;
export const TRAILER_END_MAGIC_AT = 24;
/** Image reference: u64 offset, u32 length, u32 CRC. */
export const IMAGE_REF_OFFSET_AT = 0;
export const IMAGE_REF_LENGTH_AT = 8;
export const IMAGE_REF_CRC_AT = 12;
