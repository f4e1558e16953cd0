"""The CA certificates trusted to sign electronic results, read once at start-up from
`trust_roots_dir`: every visible file in the folder, each holding one DER certificate or
any number of PEM ones. A file that is neither stops the start-up."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from documents.papers.signatures import TrustRoots

logger = logging.getLogger("motcua.trust_roots")

_PEM_MARKER = b"-----BEGIN CERTIFICATE-----"


class TrustRootsError(ValueError):
    """The trust-roots folder cannot be read as certificates."""


def _certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    try:
        if _PEM_MARKER in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise TrustRootsError(f"{path} is not a PEM or DER certificate") from error


def load_trust_roots(folder: Path | None) -> TrustRoots:
    """The roots in `folder`; none when it is unset, so every electronic result is then
    refused as untrusted (docs/integrations.md, "Signed results")."""
    if folder is None:
        logger.warning("no trust_roots_dir: electronic results will be refused as untrusted")
        return TrustRoots()
    if not folder.is_dir():
        raise TrustRootsError(f"trust_roots_dir {folder} is not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    certificates = [c for path in files for c in _certificates(path)]
    logger.info("trusting %d root certificates for signed results", len(certificates))
    return TrustRoots(tuple(c.public_bytes(Encoding.DER) for c in certificates))
