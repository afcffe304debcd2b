"""Open data in Open Referral's HSDS 3.0: a read-only API, an export, and a CSV import for staff.

It reads groups.core, groups.accreditation and groups.directory's public helpers; the import enters new
and changed listings into the review queue through groups.coordination's services. So opendata sits
beside coordination at the top of the dependencies (core <- accreditation <- directory <- coordination,
opendata), and nothing below imports it. The mapping is written down in README ("Open data (HSDS 3.0)").
"""
