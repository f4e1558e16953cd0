"""The trust roots read at start-up from `trust_roots_dir`, and what an unset folder means:
no root is trusted, so every electronic result is refused as untrusted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.settings import Settings
from api.trust_roots import TrustRootsError, load_trust_roots
from documents.common.errors import DomainError, ErrorCode
from documents.papers.media_types import PDF, SIGNED_XML
from documents.papers.verifying import verify_result
from tests.catalogue import WARD
from tests.conftest import GraphQLClient, running_app
from tests.papers import attach_result, submit_dossier, with_papers
from tests.schema.workflow.workflow_helpers import ACCEPT
from tests.signing import AGENCY, TEST_CA, UNTRUSTED_CA, pem, signed_pdf, signed_xml, write_roots

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_roots_are_read_from_pem_and_der_files_and_trusted(tmp_path: Path) -> None:
    write_roots(tmp_path / "der", TEST_CA, as_der=True)
    both = tmp_path / "pem"
    both.mkdir()
    # One PEM file may hold several certificates; hidden files are skipped.
    (both / "bundle.pem").write_bytes(pem(UNTRUSTED_CA.certificate) + pem(TEST_CA.certificate))
    (both / ".keep").write_bytes(b"")

    from_der = load_trust_roots(tmp_path / "der")
    from_pem = load_trust_roots(both)

    assert len(from_der.certificates) == 1
    assert len(from_pem.certificates) == 2
    for roots in (from_der, from_pem):
        assert verify_result(signed_xml(AGENCY), SIGNED_XML, roots, NOW).signer is not None
        assert verify_result(signed_pdf(AGENCY), PDF, roots, NOW).signer is not None


def test_a_file_that_is_no_certificate_stops_the_start_up(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a certificate")

    with pytest.raises(TrustRootsError, match=r"notes\.txt"):
        load_trust_roots(tmp_path)
    with pytest.raises(TrustRootsError, match="not a folder"):
        load_trust_roots(tmp_path / "missing")


def test_without_a_folder_no_signature_is_trusted() -> None:
    roots = load_trust_roots(None)

    assert roots.certificates == ()
    with pytest.raises(DomainError) as refused:
        verify_result(signed_xml(AGENCY), SIGNED_XML, roots, NOW)
    assert refused.value.code is ErrorCode.RESULT_SIGNATURE_UNTRUSTED


async def test_an_app_without_trust_roots_refuses_electronic_results(
    settings: Settings, tiny_catalogue: None
) -> None:
    unset = settings.model_copy(update={"trust_roots_dir": None})
    async for _, http in running_app(unset):
        gql = GraphQLClient(http, unset).as_role("officer:reception")
        await with_papers([])
        code = (await submit_dossier(gql))["code"]
        assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
        specialist = gql.as_role("officer:specialist", agency=WARD)

        payload = await attach_result(specialist, code, ("kq.xml", signed_xml(AGENCY), "text/xml"))

        assert [e["code"] for e in payload["errors"]] == ["RESULT_SIGNATURE_UNTRUSTED"]
