"""Signals of incidents: ``incident_reviewed`` is sent after an incident is verified, rejected
or marked a duplicate (keyword arguments ``incident`` and ``action``), inside the review's
transaction; receivers that start work should do it ``on_commit``."""

from django.dispatch import Signal

incident_reviewed = Signal()
