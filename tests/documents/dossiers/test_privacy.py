from __future__ import annotations

from documents.dossiers.dossier import Applicant, ApplicantKind
from documents.dossiers.privacy import mask_applicant


def test_mask_applicant_masks_the_email_like_the_phone() -> None:
    applicant = Applicant(
        kind=ApplicantKind.CITIZEN,
        id_number="001090012345",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="nguyen.van.an@example.vn",
    )
    masked = mask_applicant(applicant)
    assert masked.phone == "0912****78"
    assert masked.email == "nguy******************vn"
    assert masked.email is not None
    assert "nguyen.van.an" not in masked.email
    assert mask_applicant(applicant.model_copy(update={"email": None})).email is None
