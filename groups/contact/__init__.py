"""Contact a group safely without an account (issue 13): the public form, the coordinators' inbox, retention."""
