"""Install a court's real signing certificate from a PKCS#12 file (docs/signing.md):

    manage.py signing_install --court 甘0503 --p12 court-seal.p12      # asks for the file's passphrase
    SIGNING_P12_PASSPHRASE=... manage.py signing_install --court 甘0503 --p12 court-seal.p12 --no-input

The key must match the certificate, the certificate must be valid and chain (with the certificates in the file) to
a self-signed root, which becomes a trust root of the verification. The court's previous certificate is
deactivated (documents it signed stay valid); ``--revoke-previous "reason"`` marks it revoked as well.
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from signing import crypto
from signing.models import SigningCertificate
from signing.services import certificate_install, certificate_revoke

MAX_P12 = 1024 * 1024


class Command(BaseCommand):
    help = "Install a court's signing certificate (PKCS#12) as its active certificate."

    def add_arguments(self, parser):
        parser.add_argument("--court", required=True, help="court code, e.g. 甘0503")
        parser.add_argument("--p12", required=True, help="PKCS#12 file (.p12/.pfx) with key, certificate and chain")
        parser.add_argument("--no-input", action="store_true", help="read the passphrase from SIGNING_P12_PASSPHRASE")
        parser.add_argument("--revoke-previous", default="", help="revoke the previous certificate, with this reason")

    def handle(self, *args, **options):
        from accounts.models import Court

        court = Court.objects.filter(code=options["court"].strip()).first()
        if court is None:
            raise CommandError(f"--court: no court with code {options['court']!r}")
        try:
            with open(options["p12"], "rb") as fh:
                data = fh.read(MAX_P12 + 1)
        except OSError as exc:
            raise CommandError(f"--p12: {exc}") from exc
        if len(data) > MAX_P12:
            raise CommandError("--p12: the file is larger than 1 MB; it is not a certificate file")
        if options["no_input"]:
            secret = os.environ.get("SIGNING_P12_PASSPHRASE", "")
        else:
            secret = getpass.getpass("PKCS#12 passphrase: ")
        try:
            key, cert, chain = crypto.pkcs12_load(data, secret.encode("utf-8") if secret else None)
        except ValueError as exc:
            raise CommandError(f"--p12: cannot read the file (wrong passphrase or not PKCS#12): {exc}") from exc
        previous = SigningCertificate.objects.filter(court=court, active=True).first()
        try:
            installed = certificate_install(user=None, court=court, key=key, cert=cert, chain=chain)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if previous is not None and options["revoke_previous"].strip():
            certificate_revoke(user=None, certificate=previous, reason=options["revoke_previous"])
        self.stdout.write(f"installed for {court.code}: {installed.subject} serial {installed.serial}, "
                          f"valid until {installed.not_after:%Y-%m-%d}")
