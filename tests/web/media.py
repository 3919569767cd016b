"""Task media served by the tests themselves, on a port of their own (another origin than the
server's, as a requester's image host would be): PNG images, a WAV sound, a video-less HTML frame.

Each image is a solid square whose colour comes from its name, so screenshots tell tasks apart.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import struct
import threading
import wave
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.server import free_port


def png(name: str, size: int = 64) -> bytes:
    """A `size`×`size` PNG of one colour taken from `name`'s hash."""
    red, green, blue = hashlib.sha256(name.encode()).digest()[:3]
    line = b"\x00" + bytes((red, green, blue)) * size
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(line * size)) + chunk(b"IEND", b"")


def wav(seconds: float = 0.5) -> bytes:
    """Silence, as a playable 8 kHz mono WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * int(8000 * seconds))
    return buffer.getvalue()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/img/") and path.endswith(".png"):
            body, kind = png(path), "image/png"
        elif path.startswith("/audio/") and path.endswith(".wav"):
            body, kind = wav(), "audio/wav"
        elif path.startswith("/frame/"):
            body, kind = f"<!doctype html><title>frame</title><p>Frame {path[7:]}</p>".encode(), "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class MediaServer:
    url: str

    def image(self, name: str) -> str:
        return f"{self.url}/img/{name}.png"

    def audio(self, name: str) -> str:
        return f"{self.url}/audio/{name}.wav"

    def frame(self, name: str) -> str:
        return f"{self.url}/frame/{name}"


@contextmanager
def serve_media() -> Iterator[MediaServer]:
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=server.serve_forever, name="web-test-media", daemon=True)
    thread.start()
    try:
        yield MediaServer(f"http://127.0.0.1:{port}")
    finally:
        server.shutdown()
        server.server_close()
