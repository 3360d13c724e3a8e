from sharing.models import SharingAgreement
from tests.conftest import START


def force_status(agreement: SharingAgreement, status: str) -> SharingAgreement:
    """Puts an agreement straight into a state to test what may happen next (test set-up only)."""
    SharingAgreement.objects.filter(pk=agreement.pk).update(status=status, siro_name="Pat Senior", siro_signed_on=START)
    agreement.refresh_from_db()
    return agreement
