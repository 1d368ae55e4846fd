"""A text file's encoding: UTF-8 (with or without BOM) or a detected Chinese charset; binary and unknown
encodings are refused."""

from __future__ import annotations

from surveillance.ingest.read.raw import FileRejected

TEXT_ENCODINGS_ACCEPTED = {"utf_8", "gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_16_le", "utf_16_be"}

SAMPLE_BYTES = 1 << 20


def complete_prefix(sample: bytes, encoding: str) -> bytes:
    """Drop a multi-byte character cut off at the end of ``sample`` (a sample or a truncated file)."""
    for cut in range(0, 4):
        kept = sample[: len(sample) - cut]
        try:
            kept.decode(encoding)
            return kept
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:
                break
    return sample


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


def _looks_binary(head: bytes) -> bool:
    """Control bytes throughout (an image, an archive, UTF-16 without its mark); a stray NUL in a record
    is that row's problem, not the file's."""
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 20 or head.count(b"\x00") > 64


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) first, else a detected Chinese charset; reject anything else."""
    if not sample.strip():
        raise FileRejected("file is empty")
    if _looks_binary(sample[:8192]) and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("binary content, not a text CSV")
    try:
        complete_prefix(sample, "utf-8").decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Senders here export UTF-8 or a GB charset; asking the detector about those only keeps a
    # short GBK file from being taken for a Cyrillic code page, while chaos still rejects garbage.
    best = from_bytes(sample, cp_isolation=sorted(TEXT_ENCODINGS_ACCEPTED)).best()
    if best is None or best.encoding not in TEXT_ENCODINGS_ACCEPTED:
        found = best.encoding if best is not None else "none"
        raise FileRejected(f"text encoding could not be determined (detector said: {found})")
    return "gb18030" if best.encoding in {"gbk", "gb2312"} else best.encoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode a whole small text file (UTF-8 or a detected Chinese charset)."""
    encoding = detect_encoding(data[:SAMPLE_BYTES])
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
    except UnicodeDecodeError as exc:
        raise FileRejected(f"not valid {encoding}: {exc.reason} at byte {exc.start}") from None
