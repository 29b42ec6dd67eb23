"""Which content is still Madoguchi's starting example rather than the ward's own."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SampleContent(Model):
    """A catalogue Madoguchi seeded as an example (the service standards, one inspection template's
    family): marked as a sample in the admin pages until an administrator adopts or replaces it."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)  # "standards" or "template:<family>"
    adopted_at = fields.DatetimeField(null=True)
    adopted_by = fields.CharField(max_length=64, default="")
    how = fields.CharField(max_length=16, default="")  # adopted, replaced, imported

    class Meta:
        table = "sample_content"
        table_description = "Seeded example catalogues and when the ward adopted or replaced them"
