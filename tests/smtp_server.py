"""A small real SMTP server for tests: speaks enough SMTP for smtplib, keeps what it receives.

Faults, to prove the outbox survives them: `refuse(address)` answers RCPT with a temporary
451 for the addresses it returns True for; `delay` seconds pass before the answer to DATA. A
message counts as received only once the client has seen the final 250 (it goes on talking);
a client that hung up waiting did not hand it over, as with a real server."""

import contextlib
import email
import socket
import socketserver
import threading
import time
from email import policy


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self._pending = None
        self._reply("220 test-smtp ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if self._pending is not None:
                self.server.received(self._pending)  # the client saw 250 and talks on
                self._pending = None
            if verb in ("HELO", "EHLO"):
                self._reply("250 test-smtp")
            elif verb == "RCPT" and self.server.refuse(command.partition(":")[2].strip("<> ")):
                self._reply("451 try again later")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                message = self._receive_data()
                time.sleep(self.server.delay)
                self._reply("250 queued")
                self._pending = message
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")

    def _receive_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return email.message_from_bytes(b"".join(lines), policy=policy.default)

    def _reply(self, text):
        with contextlib.suppress(OSError):  # the client hung up
            self.wfile.write(text.encode("ascii") + b"\r\n")


def free_port():
    """A loopback port nobody listens on yet."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port=0, *, refuse=None, delay=0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.messages = []
        self.refuse = refuse or (lambda _address: False)
        self.delay = delay
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def received(self, message):
        with self._lock:
            self.messages.append(message)

    @property
    def port(self):
        return self.server_address[1]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self.shutdown()
        self.server_close()
