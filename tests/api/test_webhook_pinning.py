"""The pinned transport speaks HTTPS to the checked address while TLS (SNI and the
certificate check) still uses the URL's host name. A real TLS server on loopback."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api.workers.pinning import PinnedTransport
from documents.webhooks.targets import TargetRefusedError, allow_any

HOST = "hooks.example.test"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, issuer: str, key: ec.EllipticCurvePrivateKey, signer: Any, *, ca: bool
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def tls_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[int, bytes, list]]:
    """An HTTPS server on 127.0.0.1 whose certificate names `request.param`; yields its
    port, the CA to trust, and the SNI names it was asked for."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("motcua test CA", "motcua test CA", ca_key, ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(request.param, "motcua test CA", leaf_key, ca_key, ca=False)
    (tmp_path / "leaf.pem").write_bytes(_pem(leaf))
    (tmp_path / "leaf.key").write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    asked: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    context.sni_callback = lambda _socket, name, _context: asked.append(name)  # type: ignore[assignment,func-returns-value]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = self.headers["host"].encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server.server_address[1], _pem(ca), asked
    server.shutdown()
    server.server_close()
    thread.join()


async def _to_loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


def _client(ca: bytes) -> httpx.AsyncClient:
    trusted = ssl.create_default_context(cadata=ca.decode())
    transport = PinnedTransport(_to_loopback, allow_any, verify=trusted)
    return httpx.AsyncClient(transport=transport, timeout=5)


@pytest.mark.parametrize("tls_server", [HOST], indirect=True)
async def test_pinning_https_verifies_the_certificate_for_the_host_name(
    tls_server: tuple[int, bytes, list[str | None]],
) -> None:
    port, ca, asked = tls_server
    async with _client(ca) as client:
        response = await client.get(f"https://{HOST}:{port}/")
    assert response.status_code == 200
    assert response.text == f"{HOST}:{port}"  # the Host header names the host
    assert asked == [HOST]  # and so does SNI, though the connection went to 127.0.0.1


@pytest.mark.parametrize("tls_server", ["elsewhere.example.test"], indirect=True)
async def test_pinning_https_refuses_a_certificate_for_another_name(
    tls_server: tuple[int, bytes, list[str | None]],
) -> None:
    port, ca, _ = tls_server
    async with _client(ca) as client:
        with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
            await client.get(f"https://{HOST}:{port}/")


async def test_pinning_refuses_before_connecting_and_says_so_by_type() -> None:
    transport = PinnedTransport(_to_loopback)  # the real policy: loopback is refused
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(TargetRefusedError):
            await client.get(f"http://{HOST}:9/")
