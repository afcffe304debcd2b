"""The support-group directory, one Django app ("groups") in packages by concern.

- groups.core: the listing every concern shares (Group, Place, MeetingTime, taxonomy terms), geography,
  schedules, keyword text and which groups a person coordinates.
- groups.accreditation: bodies, claims with private evidence, staff verification, badges.
- groups.directory: the public search, group pages, calendar files, the JSON API, type and guide pages.
- groups.coordination: coordinators' listing forms, invitations, staff review of listings.
- groups.contact: "Contact this group" without an account, the coordinators' inbox, retention of messages.
- groups.reports: the public's reports that a listing is wrong, closed or unsafe; the staff queue and decisions;
  what a group's coordinators see of them (a template tag on their page, since coordination cannot import it).

Dependencies run one way: core ← accreditation ← directory ← coordination ← contact ← reports (and everything may
use accounts). One app label rather than nested apps: the concerns share one migration history and one set of
tables, and their models point at each other's rows (a claim at a group, a revision at its original).
"""
