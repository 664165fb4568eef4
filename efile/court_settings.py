"""Per-court settings of the electronic case file (see core.court_settings; docs/efile.md).

The retention period printed on the archive volume's cover (保管期限) follows the closure mode. Defaults (to be set by
each court after its archives office, the national rule being the courts' litigation-archive rules): 永久 for no
mode, 长期 for 终结本次执行程序 (the case may resume and the file is consulted for years) and 终结执行, 短期 for the
others (执行完毕, 销案, 不予执行, 驳回申请).

* ``efile_retention_permanent_modes`` [] - closure modes whose volume is kept 永久.
* ``efile_retention_long_modes`` ["terminated_round", "terminated"] - closure modes whose volume is kept 长期.
  Any other mode: 短期.
"""

from django.utils.translation import gettext_lazy

from core.court_settings import Setting

SETTINGS = [
    Setting("efile_retention_permanent_modes", [], "Closure modes whose archive volume is kept permanently (永久).",
            list, label=gettext_lazy("Closure modes kept permanently")),
    Setting("efile_retention_long_modes", ["terminated_round", "terminated"],
            "Closure modes whose archive volume is kept long-term (长期); other modes: short-term (短期).", list,
            label=gettext_lazy("Closure modes kept long-term")),
]
