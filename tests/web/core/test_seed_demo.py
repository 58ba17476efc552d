"""The seed as ``ikp serve`` runs it: the sample is published complete, then Kabupaten Bogor is
left in draft and Kota Bandung returned with a comment, for the data-entry demo; the demo logins
can do what the README's table says; a second run writes nothing and keeps the passwords."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikp_web.apps.core.management.commands.ikp_seed import (
    DEMO_DRAFT,
    DEMO_RETURN_COMMENT,
    DEMO_RETURNED,
)
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.services import compute_edition
from ikp_web.apps.submissions.models import Review, Submission

KABKOTA = "ikp-2024-kabkota"


def login(username: str, passwords: dict[str, str]) -> Client:
    """Through the login form, with the password the seed printed."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": passwords[username]}
    )
    assert response.status_code == 302, username
    return client


def questionnaire(code: str) -> str:
    return reverse("submissions:questionnaire", args=[KABKOTA, code])


def test_one_draft_and_one_returned_after_a_complete_publication(seeded: dict[str, str]) -> None:
    edition = Edition.objects.get(slug=KABKOTA)
    statuses = dict(
        Submission.objects.filter(edition=edition).values_list("region__code", "status")
    )
    assert statuses[DEMO_DRAFT] == "draft" and statuses[DEMO_RETURNED] == "returned"
    assert sum(s == "verified" for s in statuses.values()) == len(statuses) - 2
    review = Review.objects.get(submission__region__code=DEMO_RETURNED, action="return")
    assert review.comment == DEMO_RETURN_COMMENT and review.by.username == "jabar"
    published = edition.computations.get(published=True)
    assert published.results.filter(node_code="IKP").count() == 514
    # the uncertainty run the seed queues computes from the published inputs, not the two
    # submissions reopened since
    again = compute_edition(edition, runs=0, inputs_of=published)
    assert again.input_hash == published.input_hash
    assert again.results.filter(node_code="IKP").count() == 514


def test_the_office_logins_can_open_and_save_their_open_submission(
    seeded: dict[str, str],
) -> None:
    bogor = login("bogor", seeded)
    page = bogor.get(questionnaire(DEMO_DRAFT))
    assert page.status_code == 200 and 'id="save-draft"' in page.content.decode()
    saved = bogor.post(questionnaire(DEMO_DRAFT), {"action": "save_draft", "I01_L1": "4"})
    assert saved.status_code == 302
    assert bogor.get(questionnaire(DEMO_RETURNED)).status_code == 403  # not its region
    jabar = login("jabar", seeded)
    page = jabar.get(questionnaire(DEMO_RETURNED))
    assert page.status_code == 200 and "I01" in page.content.decode()
    assert "jumlah kejadian tingkat L3" in page.content.decode()  # the province's comment
    saved = jabar.post(questionnaire(DEMO_RETURNED), {"action": "save_draft", "I01_L3": "1"})
    assert saved.status_code == 302


def test_the_demo_logins_do_what_the_readme_says(seeded: dict[str, str]) -> None:
    """README, "Demo logins": RI computes and publishes; the province and the kab/kota office
    enter data for their regions; the partner reads the data-entry pages without writing; the
    public login sees published results only."""
    compute = reverse("scoring:index")
    worklist = reverse("submissions:worklist")
    ri, mitra, publik = (login(name, seeded) for name in ("ri", "mitra", "publik"))
    assert ri.get(compute).status_code == 200
    assert ri.get(questionnaire(DEMO_DRAFT)).status_code == 200
    for client in (mitra, publik, login("bogor", seeded), login("jabar", seeded)):
        assert client.get(compute).status_code == 403
    assert mitra.get(worklist).status_code == 200
    assert mitra.get(reverse("submissions:progress")).status_code == 200
    assert mitra.get(questionnaire(DEMO_DRAFT)).status_code == 200  # reads
    post = mitra.post(questionnaire(DEMO_DRAFT), {"action": "save_draft", "I01_L1": "9"})
    assert post.status_code == 403  # no writes
    assert publik.get(questionnaire(DEMO_DRAFT)).status_code == 403
    assert publik.get(reverse("submissions:progress")).status_code in (302, 403)
    assert publik.get(reverse("dashboards:map")).status_code == 200


def test_a_second_run_writes_nothing_and_keeps_the_passwords(
    seeded: dict[str, str], settings: Any
) -> None:
    with CaptureQueriesContext(connection) as queries:
        call_command("ikp_seed", runs=0, stdout=(out := io.StringIO()))
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    for name, password in seeded.items():
        assert f"password: {password}" in out.getvalue(), name
