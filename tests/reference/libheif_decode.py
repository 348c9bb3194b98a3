"""Reference decode with a recent libheif (pillow-heif's bundled build), for the HEIC files
Debian's libheif 1.15 cannot open: writes the image libheif shows for the file (its primary
image, or the first top-level one when the primary is not shown), with clap/irot/imir applied
and at 8 bits, as PNG. Prints the libheif version.

Usage: libheif_decode.py INPUT.heic OUTPUT.png
"""

import sys

import pillow_heif


def main() -> int:
    source, target = sys.argv[1], sys.argv[2]
    heif = pillow_heif.open_heif(source, convert_hdr_to_8bit=True)
    # The fastest zlib level: the PNG is read once, and the default level takes four times as long.
    heif.to_pillow().save(target, compress_level=1)
    print(pillow_heif.libheif_version())
    return 0


if __name__ == "__main__":
    sys.exit(main())
