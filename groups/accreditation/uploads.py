"""Uploads over the evidence limit are refused while they arrive, never stored in full.

Evidence (PDF, PNG or JPEG, at most EVIDENCE_MAX_BYTES each, EVIDENCE_MAX_FILES at a time) is the only
file SupportFinder accepts, so this handler is first in settings.FILE_UPLOAD_HANDLERS for every request:
it runs while the request body is parsed (by the CSRF check, before any view), which a handler set by
one view could not do.

- A request that says it is larger than any allowed upload (CONTENT_LENGTH) is refused with a 400
  before a byte of its body is read.
- A file that grows past the limit stops being passed on to Django's storing handlers: the rest of it
  is read from the network and dropped, and the form receives an empty stand-in that carries the real
  size, so the usual check refuses it with its usual message ("… is 7.3 MB. Each file can be at most
  5 MB.") and the form is shown again with everything else kept.
"""

import io

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from groups.accreditation.evidence import EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES

# Room for the form's other fields and the multipart framing around the files.
FORM_ALLOWANCE = 1024 * 1024


def limits():
    # One file more than allowed still gets the friendly "at most N files" message rather than a 400.
    return EVIDENCE_MAX_BYTES, (EVIDENCE_MAX_FILES + 1) * EVIDENCE_MAX_BYTES + FORM_ALLOWANCE


class OversizedUpload(UploadedFile):
    """What the form receives for a file over the limit: no content, and the size it really had."""

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(b""), name, content_type, size, charset, content_type_extra)


class EvidenceUploadLimit(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > limits()[1]:
            raise RequestDataTooBig("Upload larger than any allowed evidence.")
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > limits()[0]:
            return None  # not passed on: nothing past the limit is kept in memory or on disk
        return raw_data

    def file_complete(self, file_size):
        if self.received > limits()[0]:
            return OversizedUpload(self.file_name, self.content_type, self.received, self.charset,
                                   self.content_type_extra)
        return None
