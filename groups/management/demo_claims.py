"""Accreditation claims for the demo groups: every state a claim can be in, against bodies that fit."""

import datetime

from django.utils import timezone

from groups.accreditation.models import AccreditationClaim, AccreditingBody
from groups.core.models import Group

# (status, validity, scope) of each claim, in the order they are handed out.
PLAN = (
    [("verified", "current", "organisation")] * 8
    + [("verified", "current", "group")] * 4
    + [("verified", "current", "facilitator")] * 2
    + [("verified", "expired", "organisation")] * 3
    + [("verified", "expired", "group")] * 1
    + [("claimed", None, "organisation")] * 3
    + [("claimed", None, "facilitator")] * 1
    + [("rejected", None, "organisation")] * 2
)


class ClaimPlanner:
    """Verified-current, verified-expired, claimed-only and rejected claims, some for facilitators.

    Claims go to groups based where the accrediting bodies work (cities.yaml says which), against a
    body that works there and fits what the group does; references are invented (DEMO-…). Bodies are
    looked up by slug when the fixture has them, otherwise taken from whatever bodies exist.
    """

    def __init__(self, rng, bodies, today, now, facilitator_names):
        self.rng, self.bodies, self.today, self.now = rng, bodies, today, now
        self.facilitator_names = facilitator_names  # invented people (details.yaml)

    def claims(self, new_groups, homes):
        """(index of the group, unsaved claim) pairs."""
        if not self.bodies:
            return []
        claims = []
        for number, (index, (status, validity, scope)) in enumerate(self.targets(new_groups, homes), start=1):
            claims.append((index, self.make_claim(number, new_groups[index], homes[index], status, validity, scope)))
        return claims

    def targets(self, new_groups, homes):
        statuses = [new.group.status for new in new_groups]
        published = [i for i, status in enumerate(statuses) if status == Group.Status.PUBLISHED]
        self.rng.shuffle(published)

        def fits(i):
            """Based where the bodies work, and doing the kind of work they accredit."""
            trauma = {term.slug for term in new_groups[i].terms["trauma_types"]}
            return homes[i].accrediting_bodies_work_here and bool(trauma & {"domestic-abuse", "sexual-violence"})

        us = [i for i in published if homes[i].country == "US"]
        uk_us = [i for i in published if fits(i)]
        targets, taken = [], set()
        for item in PLAN:
            pool = us if item[2] == "facilitator" and self.body_by_slug("nova-nacp") else uk_us
            index = next((i for i in pool + published if i not in taken), None)
            if index is None:
                break
            taken.add(index)
            targets.append((index, item))
        # A paused group keeps its badge; a group awaiting review can already have a claim waiting;
        # one group has a current badge and a second claim still waiting for review.
        paused = [i for i, status in enumerate(statuses) if status == Group.Status.PAUSED and fits(i)]
        hidden = [
            i for i, status in enumerate(statuses) if status in (Group.Status.DRAFT, Group.Status.PENDING) and fits(i)
        ]
        targets += [(i, ("verified", "current", "group")) for i in paused[:1]]
        targets += [(i, ("claimed", None, "organisation")) for i in hidden[:1]]
        if targets:
            targets.append((targets[0][0], ("claimed", None, "group")))
        return targets

    def make_claim(self, number, new, home, status, validity, scope):
        trauma = {term.slug for term in new.terms["trauma_types"]}
        populations = {term.slug for term in new.terms["populations"]}
        body = self.choose_body(home, trauma, populations, scope)
        note = "Demonstration claim; the reference is invented."
        if body.slug == "us-state-coalition":
            note = f"State: {home.region}. " + note
        claim = AccreditationClaim(
            body=body,
            reference=f"DEMO-{1000 + number}",
            scope=scope,
            facilitator_name=(
                self.facilitator_names[number % len(self.facilitator_names)] if scope == "facilitator" else ""
            ),
            status=status,
            note=note,
        )
        if status == "verified":
            renewal_days = round((body.renewal_months or 12) * 30.4)
            if validity == "current":
                claim.valid_until = self.today + datetime.timedelta(days=self.rng.randint(20, renewal_days))
            else:
                claim.valid_until = self.today - datetime.timedelta(days=self.rng.randint(5, 300))
            verified_on = claim.valid_until - datetime.timedelta(days=renewal_days)
            claim.verified_at = min(
                self.now, timezone.make_aware(datetime.datetime.combine(verified_on, datetime.time(11, 0)))
            )
        elif status == "rejected":
            claim.rejection_reason = "Demonstration: the reference did not match the body's public register."
            claim.note = claim.rejection_reason
        return claim

    def body_by_slug(self, slug):
        return next((body for body in self.bodies if body.slug == slug), None)

    def choose_body(self, home, trauma, populations, scope):
        """A body that plausibly accredits this kind of group where it is based."""
        if scope == "facilitator":
            preferred = "nova-nacp"
        elif home.country == "US":
            preferred = "us-state-coalition"
        elif "sexual-violence" in trauma and "men" in populations:
            preferred = "limeculture"
        elif "sexual-violence" in trauma:
            preferred = "rape-crisis-scotland" if home.region == "Scotland" else "rape-crisis-england-wales"
        else:
            preferred = "safelives-leading-lights"
        body = self.body_by_slug(preferred)
        if body is not None:
            return body
        wanted_individual = scope == "facilitator"
        fitting = [
            body for body in self.bodies
            if (body.applies_to == AccreditingBody.AppliesTo.INDIVIDUAL) == wanted_individual and body.slug != "other"
        ]
        return self.rng.choice(fitting or self.bodies)
