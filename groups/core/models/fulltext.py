from django.contrib.postgres.search import SearchVectorField
from django.db import models

from groups.core.models.group import Group


class GroupFullText(models.Model):
    """A group's weighted full-text vector (name A, summary B, the rest C), beside the group rather than in its row.

    On PostgreSQL the vector is about 700 bytes a group, larger than the rest of the row together: stored in
    groups_group it doubled the table every plain listing, place search and count reads (issue 12). Here
    only keyword search reads it, through its GIN index (created by the migration, PostgreSQL only).
    Written by groups.core.search.refresh_search_vectors() (one INSERT ... SELECT, upserting), which every
    path that writes a group's searchable text calls: the listing and review services, the admin, the CSV
    import and the bulk writer. SQLite has no full-text vectors: there the table stays empty.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, primary_key=True, related_name="fulltext")
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "group full-text vector"

    def __str__(self):
        return f"full-text vector of group {self.group_id}"
