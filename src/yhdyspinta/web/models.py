"""A create form's one-time key: the second post of the same form (a double click, a
reload) creates nothing and leads to what the first one created."""

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    path = models.CharField(max_length=500)
    redirect_to = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.path} {self.key}"
