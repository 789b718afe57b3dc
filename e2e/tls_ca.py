"""A throw-away certificate authority made at test time with the `openssl` command, and a server certificate for
127.0.0.1 that it signs, so the fake backend can serve real TLS (rotor trusts it through ROTOR_CA_FILE, Codex
through CODEX_CA_CERTIFICATE). Nothing here is committed or reused across test sessions."""

from __future__ import annotations

import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

OPENSSL_TIMEOUT = 60


@dataclass(frozen=True)
class TestCertificateAuthority:
    """Paths of the CA certificate and of the 127.0.0.1 server certificate and key."""

    ca_pem: Path
    server_pem: Path
    server_key: Path

    __test__ = False  # not a pytest test class

    def server_context(self) -> ssl.SSLContext:
        """A server-side TLS context presenting the 127.0.0.1 certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_pem, self.server_key)
        return context


def make_test_ca(directory: Path) -> TestCertificateAuthority:
    """Creates a CA and a 127.0.0.1 server certificate (valid 2 days) in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=OPENSSL_TIMEOUT, cwd=directory)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=rotor e2e test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (directory / "server.ext").write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return TestCertificateAuthority(directory / "ca.pem", directory / "server.pem", directory / "server.key")
