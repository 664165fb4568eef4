"""Set-up: the demo certificate authority and a demo certificate for each court lacking one, so that signing works
out of the box (``manage.py signing_demo_ca``, ``signing.demo``, the tests). Idempotent: one demo root (a partial
unique constraint), and a court that has an active certificate (demo or real) is left alone."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from . import crypto
from .models import SigningCertificate, TrustRoot
from .services import certificate_install


def demo_root() -> tuple[TrustRoot, bool]:
    with transaction.atomic():
        root = TrustRoot.objects.select_for_update().filter(demo=True).first()
        if root is not None:
            return root, False
        cert, key = crypto.demo_root_new()
        root = TrustRoot.objects.create(name=cert.subject.rfc4514_string()[:200], cert_pem=crypto.cert_pem(cert),
                                        key_encrypted=crypto.key_encrypt(key), demo=True,
                                        sha256=crypto.cert_info(cert)["sha256"])
        return root, True


def demo_certificate(court, *, root: TrustRoot | None = None, **kw) -> SigningCertificate:
    """A new demo certificate for ``court`` issued by the demo root (installed as the active one)."""
    root = root or demo_root()[0]
    root_cert = crypto.certs_from_pem(root.cert_pem)[0]
    root_key = crypto.key_decrypt(bytes(root.key_encrypted))
    cert, key = crypto.court_cert_new(court_name=court.name, court_code=court.code, root_cert=root_cert,
                                      root_key=root_key, **kw)
    return certificate_install(user=None, court=court, key=key, cert=cert, chain=[root_cert], demo=True, root=root)


def ensure_demo(courts=None) -> tuple[bool, list]:
    """(root created?, courts given a certificate)."""
    root, created = demo_root()
    Court = apps.get_model("accounts", "Court")
    courts = list(courts if courts is not None else Court.objects.order_by("pk"))
    given = []
    for court in courts:
        with transaction.atomic():
            Court.objects.select_for_update().filter(pk=court.pk).first()  # two set-ups at once: one certificate
            if SigningCertificate.objects.filter(court=court, active=True).exists():
                continue
            demo_certificate(court, root=root)
            given.append(court)
    return created, given
