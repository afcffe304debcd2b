from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Support groups"

    def ready(self):
        # Connect the receivers that let account deletion and the data download reach the groups
        # (accounts.hooks): imported here, once the models are loaded, as Django asks of signal receivers.
        from groups.coordination import account_hooks  # noqa: F401

        # Imported here, not above: it reads the taxonomy models, which only exist once the apps are loaded.
        from groups.core import lexicon

        # Keyword search keeps a vocabulary of the listed groups' words: a saved group (a new status, a new
        # name) means it is out of date.
        group = self.get_model("Group")
        post_save.connect(lexicon.on_group_saved, sender=group, dispatch_uid="search-vocabulary-saved")
        post_delete.connect(lexicon.on_group_saved, sender=group, dispatch_uid="search-vocabulary-deleted")

        # Each group's stored next meeting (issue 12) follows its time zone and its meetings.
        from groups.core import next_meetings

        meeting = self.get_model("MeetingTime")
        post_save.connect(next_meetings.on_group_saved, sender=group, dispatch_uid="next-meeting-group")
        post_save.connect(next_meetings.on_meeting_changed, sender=meeting, dispatch_uid="next-meeting-saved")
        post_delete.connect(next_meetings.on_meeting_changed, sender=meeting, dispatch_uid="next-meeting-deleted")

        # The messages sent to those groups (groups.contact): connected after the groups' receivers, so the data
        # download lists the groups first (deleting gives the same result in either order).
        from groups.contact import account_hooks as contact_account_hooks  # noqa: F401

        # The directory version (issue 12): every write a search can show changes it in the same transaction,
        # so each worker knows when to rebuild its search index (groups.directory.facet_index).
        from groups.core import directory_version
        from groups.core.vocabulary import M2M_FIELDS, TAXONOMIES
        from groups.directory import cards

        watched = [group, meeting, self.get_model("Place"), self.get_model("AccreditationClaim")]
        for model in watched + [taxonomy.model for taxonomy in TAXONOMIES]:
            for signal in (post_save, post_delete):
                signal.connect(directory_version.on_change, sender=model, dispatch_uid=f"directory-version-{model}")
        for name in M2M_FIELDS:
            m2m_changed.connect(directory_version.on_change, sender=getattr(group, name).through,
                                dispatch_uid=f"directory-version-{name}")

        # Result cards are cached with the names of taxonomy terms and accrediting bodies in them: renaming
        # one makes every cached card out of date (groups.directory.cards).
        for model in [taxonomy.model for taxonomy in TAXONOMIES] + [self.get_model("AccreditingBody")]:
            for signal in (post_save, post_delete):
                signal.connect(cards.bump_generation, sender=model, dispatch_uid=f"cards-{model.__name__}-{signal}")
