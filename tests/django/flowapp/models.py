"""A report reviewed by a flow class, its change log, and claims with three key types."""

from __future__ import annotations

import uuid

from django.db import models


class Report(models.Model):
    """A report whose review stage a flow class moves (a plain CharField)."""

    title = models.CharField(max_length=100, default="")
    stage = models.CharField(max_length=20, default="new")
    notes = models.TextField(default="")

    def __str__(self) -> str:
        return self.title or f"Report {self.pk}"


class ReportChangeLog(models.Model):
    """One row per committed stage change of a report, written by the flow."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="changes")
    changed = models.DateTimeField(auto_now=True)
    source = models.CharField(max_length=20)
    target = models.CharField(max_length=20)


class Claim(models.Model):
    """An insurance claim (integer primary key)."""

    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    is_high_risk = models.BooleanField(default=False)


class UUIDClaim(models.Model):
    """A claim with a UUID primary key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    amount = models.IntegerField(default=0)


class CodeClaim(models.Model):
    """A claim with a string primary key."""

    code = models.CharField(primary_key=True, max_length=20)
    amount = models.IntegerField(default=0)
