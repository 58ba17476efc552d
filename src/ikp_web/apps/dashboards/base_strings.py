"""The strings of ``templates/base.html``: the project template has no app of its own, so its
English translations live in this app's catalogue (``locale/en/LC_MESSAGES/django.po``). Listed
here so that ``makemessages`` keeps them."""

from django.utils.translation import gettext_noop

BASE_TEMPLATE_STRINGS = (
    gettext_noop("Lewati ke konten"),
    gettext_noop("Peta"),
    gettext_noop("Peringkat"),
    gettext_noop("Metodologi"),
    gettext_noop("Pengisian data"),
    gettext_noop("Kemajuan"),
    gettext_noop("Hitung & terbitkan"),
)
