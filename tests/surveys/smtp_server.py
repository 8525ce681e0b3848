"""A small real SMTP server for tests, on a local port in a thread (aiosmtpd is not installed):
enough of the protocol for smtplib, keeping every message it accepts, and able to fall over."""

from __future__ import annotations

import socket
import socketserver
import threading
from email import message_from_bytes
from email.message import Message


def free_port() -> int:
    """A local port nothing listens on (yet): connecting to it is refused, as to a server down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler(socketserver.StreamRequestHandler):
    def say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        smtp: SmtpServer = self.server.smtp  # type: ignore[attr-defined]
        if smtp.busy():
            self.say("421 Too busy, try again later")
            return
        self.say("220 test.example ESMTP")
        while line := self.rfile.readline():
            verb, _, argument = line.decode().strip().partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.say("250-test.example")
                self.say("250 8BITMIME")
            elif verb in {"HELO", "RSET", "NOOP"}:
                self.say("250 OK")
            elif verb == "MAIL":
                self.say("553 Sender not allowed" if smtp.refuse_sender else "250 OK")
            elif verb == "RCPT":
                refused = any(a in argument for a in smtp.refused_addresses)
                self.say("550 No such mailbox" if refused else "250 OK")
            elif verb == "DATA":
                if smtp.busy():  # it fell over mid-conversation: hang up
                    return
                self.say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in {b".\r\n", b""}:
                    lines.append(data[1:] if data.startswith(b"..") else data)
                smtp.messages.append(message_from_bytes(b"".join(lines)))
                self.say("250 OK queued")
            elif verb == "QUIT":
                self.say("221 Bye")
                return
            else:
                self.say("500 Unknown command")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpServer:
    """`start()` listens on `port`; `messages` are the e-mails accepted. `accept_at_most`: after
    that many messages it answers "421 try again later" (a server falling over part-way)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[Message] = []
        self.accept_at_most: int | None = None
        self.refused_addresses: set[str] = set()
        self.refuse_sender = False
        self._server: _Server | None = None

    def busy(self) -> bool:
        return self.accept_at_most is not None and len(self.messages) >= self.accept_at_most

    def recipients(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)

    def start(self) -> SmtpServer:
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.smtp = self  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
