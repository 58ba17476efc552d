"""Audit log and background jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """Who did what, when: logins, submissions, reviews, computations, publications."""

    class Action(models.TextChoices):
        LOGIN = "login", "login"
        LOGIN_FAILED = "login_failed", "login failed"
        LOGOUT = "logout", "logout"
        SAVE_DRAFT = "save_draft", "save draft"
        UPLOAD = "upload", "upload"
        SUBMIT = "submit", "submit"
        VERIFY = "verify", "verify"
        RETURN = "return", "return"
        COMPUTE = "compute", "compute"
        PUBLISH = "publish", "publish"
        DOWNLOAD = "download", "download"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}:{self.object_id}"


class Job(models.Model):
    """A background job (computation, uncertainty run, import, export) with visible progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "antre / queued"
        RUNNING = "running", "berjalan / running"
        DONE = "done", "selesai / done"
        FAILED = "failed", "gagal / failed"

    kind = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    #: the last sign of life of the worker running the job (each progress report beats)
    heartbeat = models.DateTimeField(null=True, blank=True)
    #: the worker process running the job, as ``host:pid``
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status} {self.progress}%"
