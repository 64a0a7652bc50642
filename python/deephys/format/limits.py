"""Constants of the container (docs/format.md)."""

MAGIC = b"\x89DPHYS\r\n"
END_MAGIC = b"DPHYSEND"
FORMAT_MAJOR = 1
FORMAT_MINOR = 0

HEADER_SIZE = 16
FRAME_SIZE = 8
TRAILER_SIZE = 32

MAX_RECORD = 64 * 1024 * 1024
MAX_FOOTER = 256 * 1024 * 1024

DEFAULT_CHUNK_BYTES = 1 << 20
DEFAULT_TOP_K = 100
DEFAULT_HISTOGRAM_BINS = 64
TABLE_CHUNK_ROWS = 4096
ABSENT_INDEX = 0xFFFFFFFF
IMAGE_REF_SIZE = 16
# width x height a reader decodes at most (a decompression bomb is refused first): 4096 x 4096, far more than a
# thumbnail needs, and 48 MB decoded, so that no file can make a reader hold much for one image.
MAX_IMAGE_PIXELS = 16 * 1024 * 1024
