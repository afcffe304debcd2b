from django.db import models


class DirectoryVersion(models.Model):
    """One row whose token changes in the same transaction as every write the public directory can show.

    Each worker keeps its search index (groups.directory.facet_index) for one token and rebuilds it when the
    token differs: one read by primary key per request. A random token rather than a counter: a rolled-back
    transaction (and each test) returns a counter to a value another state of the data may also reach.
    """

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "directory version"

    def __str__(self):
        return f"directory version {self.token}"
