"""The court's computation rules as pure functions (no models, no database), per docs/domain.md.

Modules: identifiers (§8; check characters in checksums), case_numbers (§1), fees (§4), interest (§5.2),
distribution (§5.1), calendar (working days, CPL art 85 deadlines), periods (§3.3 seizure terms, §3.5 失信 terms,
§2.1 auction rules); money holds the Decimal helpers. Import from the modules, e.g.
``from core.rules.fees import enforcement_fee``. Values that domain.md marks UNCONFIRMED are function arguments
with documented defaults, so the per-court settings (core.court_settings) can supply them.
"""
