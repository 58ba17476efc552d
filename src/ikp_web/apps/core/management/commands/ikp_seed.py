"""Seed the platform: regions (current and 2022 editions), the built-in frameworks, the IKP 2024
editions with SYNTHETIC sample data (DATA SINTETIS — bukan data Bawaslu) verified, computed and
published, Bawaslu's published IKP 2024 province results, and one demo login per role; on the
first seed, a SYNTHETIC stream of incident reports, the default alert rules, one live run and
the alerts it opens (:mod:`ikp_web.apps.core.demo_stream`).

Usage: python -m django ikp_seed [--runs 1000] [--no-compute] [--background-uncertainty]
Idempotent: running it again changes nothing that exists (and so takes seconds). Each phase
prints a line as it starts and one with its time as it ends. With ``--background-uncertainty``
(``ikp serve``) the sample editions are published at once with a quick uncertainty
(:data:`QUICK_RUNS` seeded Monte Carlo runs) and their full Monte Carlo runs are queued as
compute jobs (their pages show progress) that publish a new version when done.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from ikp import SYNTHETIC_LABEL
from ikp.framework import load_framework
from ikp.sample import generate
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.core.demo_stream import DEMO_INCIDENTS, seed_stream
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.regions.services import load_regions
from ikp_web.apps.scoring.services import (
    active_compute_job,
    compute_edition,
    do_publish,
    load_published_2024,
    start_compute,
)
from ikp_web.apps.submissions.models import Review, Submission
from ikp_web.apps.submissions.services import review as submission_review
from ikp_web.apps.submissions.services import store_counts

DEMO_USERS = [
    ("ri", Profile.Role.RI, None, "Bawaslu RI"),
    ("jabar", Profile.Role.PROVINCE, "32", "Bawaslu Provinsi Jawa Barat"),
    ("bogor", Profile.Role.REGENCY, "32.01", "Bawaslu Kabupaten Bogor"),
    ("mitra", Profile.Role.PARTNER, None, "KPU (lembaga mitra)"),
    ("publik", Profile.Role.PUBLIC, None, ""),
]


#: the sample submissions left open for data entry (``_demo_work``): Kabupaten Bogor in draft,
#: Kota Bandung returned by Bawaslu Provinsi Jawa Barat
DEMO_DRAFT = "32.01"
DEMO_RETURNED = "32.73"
DEMO_RETURN_COMMENT = (
    "Mohon periksa kembali indikator I01: jumlah kejadian tingkat L3 tampak terlalu tinggi "
    "dibanding pemilu sebelumnya; lampirkan sumbernya. / Please check indicator I01 again: the "
    "number of level-L3 incidents looks too high against the previous election; add its source."
)


#: with ``--background-uncertainty``, the sample editions are published at once with this many
#: seeded Monte Carlo runs (with their sensitivity analysis about 2 s more on the kab/kota
#: edition, on a busy 2-core machine): class probabilities, hence P(tinggi) alerts, exist from
#: the first start; the job with the full ``--runs`` publishes its version later
QUICK_RUNS = 200


class Command(BaseCommand):
    help = "Isi data awal (SINTETIS) / seed the platform with synthetic sample data"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=1000, help="Monte Carlo runs per edition")
        parser.add_argument("--no-compute", action="store_true", help="do not compute or publish")
        parser.add_argument(
            "--incidents",
            type=int,
            default=DEMO_INCIDENTS,
            help="synthetic incidents seeded on the first seed (0: none)",
        )
        parser.add_argument("--reset-passwords", action="store_true", help="new demo passwords")
        parser.add_argument(
            "--background-uncertainty",
            action="store_true",
            help="publish the index at once; queue the Monte Carlo runs as jobs that publish "
            "their version when done (ikp serve)",
        )

    @contextmanager
    def _phase(self, label: str) -> Iterator[None]:
        """One line as a phase starts and one with its time as it ends (``ikp serve``'s first
        start takes a while)."""
        self.stdout.write(f"  … {label}")
        self.stdout.flush()
        start = time.monotonic()
        yield
        self.stdout.write(f"  ✓ {label} ({time.monotonic() - start:.1f} s)")
        self.stdout.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        for edition in ("current", "2022"):
            if not Region.objects.filter(edition=edition).exists():
                with self._phase(f"wilayah / regions {edition}"):
                    n = load_regions(edition)
                self.stdout.write(f"regions {edition}: {n}")
        with self._phase("kerangka / frameworks"):
            fw_ikp = self._framework("ikp-2024")
            self._framework("tps-2024")
        editions = {
            "ikp-2024-kabkota": ("IKP 2024 kabupaten/kota (DATA SINTETIS)", "regency"),
            "ikp-2024-provinsi": ("IKP 2024 provinsi (DATA SINTETIS)", "province"),
        }
        runs, background = opts["runs"], opts["background_uncertainty"]
        reopen: list[Edition] = []
        for slug, (name, level) in editions.items():
            edition, created = Edition.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "framework": fw_ikp,
                    "region_level": level,
                    "synthetic": True,
                    "deadline": timezone.now().date().replace(month=12, day=31),
                    "source": "DATA SINTETIS — bukan data Bawaslu (ikp.sample, seed 2024)",
                },
            )
            if created:
                with self._phase(f"edisi contoh / sample edition {slug} (DATA SINTETIS)"):
                    self._seed_observations(edition)
                self.stdout.write(f"edition {slug}: synthetic observations seeded")
                if level == "regency":
                    reopen.append(edition)
            if opts["no_compute"]:
                continue
            if not edition.computations.filter(published=True).exists():
                with self._phase(f"menghitung / computing {slug} (DATA SINTETIS)"):
                    comp = compute_edition(
                        edition, runs=min(runs, QUICK_RUNS) if background else runs
                    )
                    do_publish(comp, actor=None)
                self.stdout.write(f"edition {slug}: computed and published v{comp.version}")
            if background and runs:
                self._queue_uncertainty(edition, runs)
        published, created = Edition.objects.get_or_create(
            slug="ikp-2024-bawaslu-provinsi",
            defaults={
                "name": "IKP 2024 provinsi — hasil resmi Bawaslu (pendekatan 1)",
                "framework": fw_ikp,
                "region_level": "province",
                "region_edition": "2022",
                "kind": Edition.Kind.PUBLISHED_EXTERNAL,
                "source": "Bawaslu RI, 16 Dec 2022; figures as reported by the media (source per row)",
            },
        )
        if created or not published.computations.exists():
            with self._phase("hasil resmi / published results ikp-2024-bawaslu-provinsi"):
                load_published_2024(published)
            self.stdout.write(
                "edition ikp-2024-bawaslu-provinsi: Bawaslu's published results loaded"
            )
        self._demo_users(reset=opts["reset_passwords"])
        for edition in reopen:
            self._demo_work(edition)
            if not opts["no_compute"] and opts["incidents"]:
                self._demo_stream(edition, opts["incidents"])

    def _demo_stream(self, edition: Edition, n: int) -> None:
        """The early-warning demo (first seed only): a synthetic stream of incidents, the
        default alert rules, one live run, the alerts it opens, the partner's subscription."""
        with self._phase("laporan kejadian & peringatan / incidents & alerts (DATA SINTETIS)"):
            result = seed_stream(edition, n=n)
        if result is not None:
            self.stdout.write(
                f"edition {edition.slug}: {result.incidents} synthetic incidents "
                f"({result.verified} verified, {result.received} received), "
                f"{result.rules} alert rules, {result.alerts} open alerts"
            )

    def _queue_uncertainty(self, edition: Edition, runs: int) -> None:
        """The Monte Carlo runs of a sample edition as a background job that publishes its
        version when done; nothing if a published version has as many runs or a job is on
        it."""
        if edition.computations.filter(published=True, uncertainty_runs__gte=runs).exists():
            return
        busy = active_compute_job(edition)
        job = busy or start_compute(
            edition,
            None,
            runs=runs,
            inputs_of=edition.computations.filter(published=True).order_by("-version").first(),
            publish=f"ketidakpastian ditambahkan ({runs} simulasi Monte Carlo) / "
            f"uncertainty added ({runs} Monte Carlo runs); DATA SINTETIS",
        )
        url = reverse("scoring:job", args=[job.pk])
        self.stdout.write(
            f"  ↻ ketidakpastian / uncertainty runs of {edition.slug} in the background: "
            f"job #{job.pk} {url}"
        )

    def _demo_work(self, edition: Edition) -> None:
        """Data entry to try at once: after the complete sample was computed and published,
        Kabupaten Bogor's submission is back in draft (the ``bogor`` login can open and save
        it) and Kota Bandung's was returned by the province with a comment saying what to fix
        (the ``jabar`` login can correct it). The published version and its background
        uncertainty run keep the complete data (the job computes from the published inputs)."""
        User = get_user_model()
        draft = Submission.objects.get(edition=edition, region__code=DEMO_DRAFT)
        draft.status = Submission.Status.DRAFT
        draft.submitted_at = draft.verified_at = None
        draft.save()
        returned = Submission.objects.get(edition=edition, region__code=DEMO_RETURNED)
        returned.status = Submission.Status.SUBMITTED
        returned.verified_at = None
        returned.save()
        submission_review(
            returned,
            Review.Action.RETURN,
            DEMO_RETURN_COMMENT,
            actor=User.objects.filter(username="jabar").first(),
        )
        self.stdout.write(
            f"edition {edition.slug}: {DEMO_DRAFT} in draft, {DEMO_RETURNED} returned "
            "(data entry demo)"
        )

    def _framework(self, slug: str) -> FrameworkVersion:
        fw = load_framework(slug)
        obj = FrameworkVersion.objects.filter(slug=slug, version=fw.version).first()
        if obj is None:
            obj = FrameworkVersion(
                slug=slug, version=fw.version, name=fw.name_id, definition=fw.to_yaml()
            )
            obj.full_clean()
            obj.save()
        return obj

    def _seed_observations(self, edition: Edition) -> None:
        sample = generate(edition.framework.framework(), edition.region_level, seed=2024)
        store_counts(edition, sample.counts, source=SYNTHETIC_LABEL)

    def _demo_users(self, *, reset: bool) -> None:
        """One login per role. A new password is drawn when the user is created (or with
        ``reset``) and kept in ``var/demo-logins.json`` (readable by the owner only, like
        ``var/secret_key``), so that later starts print it again without hashing anew."""
        User = get_user_model()
        store = Path(settings.VAR_DIR) / "demo-logins.json"
        try:
            known: dict[str, str] = json.loads(store.read_text("utf-8"))
        except (OSError, ValueError):
            known = {}
        lines = []
        changed = False
        for username, role, region_code, organisation in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None or reset:
                password = secrets.token_urlsafe(9)
                if user is None:
                    user = User.objects.create_user(username=username, password=password)
                else:
                    user.set_password(password)
                    user.save()
                region = (
                    Region.objects.get(edition="current", code=region_code) if region_code else None
                )
                Profile.objects.update_or_create(
                    user=user,
                    defaults={"role": role, "region": region, "organisation": organisation},
                )
                if role == Profile.Role.RI:
                    user.is_staff = True
                    user.is_superuser = True
                    user.save()
                known[username] = password
                changed = True
            shown = known.get(username, "(unchanged; ikp serve --reset-passwords)")
            lines.append((username, role, region_code or "-", shown))
        if changed:
            store.parent.mkdir(parents=True, exist_ok=True)
            store.touch(mode=0o600)
            store.chmod(0o600)
            store.write_text(json.dumps(known, indent=1), "utf-8")
        self.stdout.write("\nDemo logins / akun demo:")
        for username, role, region, password in lines:
            self.stdout.write(f"  {role:<9} {username:<8} wilayah {region:<6} password: {password}")
