"""One clue-sized row: 15 columns besides the key."""

from django.db import models


class Report(models.Model):
    employer_name = models.CharField(max_length=200)
    employer_credit_code = models.CharField(max_length=18, blank=True)
    project_name = models.CharField(max_length=200, blank=True)
    work_address = models.CharField(max_length=200, blank=True)
    district_code = models.CharField(max_length=12, blank=True)
    complainant_name = models.CharField(max_length=50)
    complainant_phone = models.CharField(max_length=20)
    complainant_id_number = models.CharField(max_length=18, blank=True)
    worker_count = models.PositiveIntegerField()
    amount_owed = models.DecimalField(max_digits=14, decimal_places=2)
    owed_from = models.CharField(max_length=7, blank=True)
    owed_to = models.CharField(max_length=7, blank=True)
    description = models.TextField(max_length=2000, blank=True)
    consent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bare"

    def __str__(self):
        return f"{self.pk} {self.employer_name}"
