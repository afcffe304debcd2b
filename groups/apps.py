from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Support groups"

    def ready(self):
        # Connect the receivers that let account deletion and the data download reach the groups
        # (accounts.hooks): imported here, once the models are loaded, as Django asks of signal receivers.
        from groups.coordination import account_hooks  # noqa: F401
