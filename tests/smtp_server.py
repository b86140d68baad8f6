"""A real SMTP server for tests (aiosmtpd, in a thread of its own), keeping what it receives.

Faults, to prove the outbox survives them: `refuse(address)` answers RCPT with a temporary
451 for the addresses it returns True for; `delay` seconds pass before the answer to DATA. A
message counts as received only when the server has finished taking it: a client that hung up
while the server was still busy (a timeout) makes aiosmtpd drop the transaction, so the message
was never handed over, as with a real server that had not yet said 250."""

import asyncio
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        if self.server.refuse(address):
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        self.server.data_begun += 1
        await asyncio.sleep(self.server.delay)  # cancelled if the client hangs up meanwhile
        self.server.received(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 queued"


def free_port():
    """A loopback port nobody listens on yet."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """SMTPServer(port, refuse=..., delay=...) as a context manager: listening inside."""

    def __init__(self, port=0, *, refuse=None, delay=0):
        self.messages = []
        self.data_begun = 0  # messages whose text the server has started to take
        self.refuse = refuse or (lambda _address: False)
        self.delay = delay
        self._lock = threading.Lock()
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=port or free_port(), ready_timeout=10
        )

    def received(self, message):
        with self._lock:
            self.messages.append(message)

    @property
    def port(self):
        return self._controller.port

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *_exc):
        self._controller.stop()
