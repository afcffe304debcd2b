"""Private file storage: accreditation evidence, kept outside MEDIA_ROOT and static and never given a URL."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="groups.accreditation.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, read at each use so tests can point it at a temporary folder.

    There is no URL: a file reaches a browser only through a view that checks who is asking. Files are
    written readable by the server's own user only (0600, folders 0700), whatever FILE_UPLOAD_PERMISSIONS
    says for other files and whatever the process's umask, so another account on the machine cannot read them.
    """

    @property
    def file_permissions_mode(self):
        return 0o600

    @property
    def directory_permissions_mode(self):
        return 0o700

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checking view.")


private_storage = PrivateStorage()
