"""What the offline model assumes about a collections policy it cannot read.

The policy file is the guardrails' business: the model starts from the shipped
defaults and re-plans when a denial says otherwise. The guardrails stay the
authority; these values only keep the model from asking for what it would be
refused.
"""

from __future__ import annotations

from recoup.policy import Policy, Tone

_DEFAULTS = Policy()

MIN_DAYS_BETWEEN_TOUCHES = _DEFAULTS.contact.min_days_between_touches
MAX_TOUCHES_PER_WEEK = _DEFAULTS.contact.max_touches_per_week
QUIET_WEEKDAYS = frozenset(_DEFAULTS.contact.quiet_weekdays)
CONTACT_RULES = _DEFAULTS.contact
TONE_RULES = _DEFAULTS.tone
STRATEGIC_CAP = Tone.parse(_DEFAULTS.tone.strategic_cap)
SEGMENT_CAPS = {segment: Tone.parse(tone) for segment, tone in _DEFAULTS.tone.segment_caps.items()}
LARGE_BALANCE_CENTS = _DEFAULTS.escalation.large_balance_cents
DEFAULT_FOLLOWUP_DAYS = _DEFAULTS.cadence.default_followup_days
UNSURE_HOLD_DAYS = _DEFAULTS.reader.unsure_hold_days
STALL_FOLLOWUP_DAYS = _DEFAULTS.reader.stall_followup_days
