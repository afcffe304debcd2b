"""Which actions a thing allows in which state: one transition table, asked by services, views and templates.

A table is a list of (action, from-state, to-state) rows. Services call `ensure` before they write, so a rule
cannot be skipped by posting a form the page did not offer; views and templates ask the object
(`group.can_be_paused`, `claim.can_be_verified`), which asks its table — nobody compares status strings.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str


class Workflow:
    """A transition table. A state or action not in it allows nothing."""

    def __init__(self, rows, *, refusal):
        # refusal: what a person reads when an action is not allowed, with %(state)s for the state's name.
        self.refusal = refusal
        self._targets = {}
        for action, source, target in rows:
            key = (action, str(source))
            if key in self._targets:
                raise ValueError(f"Two rows for {action!r} from {source!r}")
            self._targets[key] = str(target)
        self.actions = frozenset(action for action, _source in self._targets)

    def allows(self, action, state):
        return (action, str(state)) in self._targets

    def target(self, action, state):
        """The state the action leads to from `state` (ValidationError if it is not allowed)."""
        self.ensure(action, state)
        return self._targets[(action, str(state))]

    def ensure(self, action, state, state_label=None):
        """Raise a ValidationError a person can read when `action` is not allowed in `state`."""
        if not self.allows(action, state):
            raise ValidationError(self.refusal % {"state": state_label or state})

    def transitions(self):
        return [Transition(action, source, target) for (action, source), target in self._targets.items()]
