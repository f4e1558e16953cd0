"""A batch that meets a document this version cannot read still answers every key."""

from __future__ import annotations

import pytest

from documents.common.tolerant import UnreadableDocumentError
from documents.dossiers.dossier import Dossier
from loaders.dossiers import load_dossiers_by_code, load_events_by_dossier
from tests.api.test_unknown_documents import broken_copy, make
from tests.catalogue import WARD

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


async def test_a_batch_of_dossiers_answers_each_key_even_past_one_it_cannot_read() -> None:
    good, other = await make(2)
    broken = f"{WARD}-260302-9101"
    await broken_copy(good, broken, hours=5)
    found = await load_dossiers_by_code([good, broken, "NO-SUCH", other])
    assert isinstance(found[0], Dossier)
    assert found[0].code == good
    assert isinstance(found[1], UnreadableDocumentError)
    assert found[1].code == "UNREADABLE_DOCUMENT"
    assert found[2] is None
    assert isinstance(found[3], Dossier)
    events = await load_events_by_dossier([good, broken, other])
    assert [len(e) for e in events] == [1, 0, 1]
