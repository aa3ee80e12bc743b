"""What meetings tell the layers above them, which they do not know: registrations answer in `effects.py`.

Signals are synchronous: every receiver runs inside the sender's transaction, so the effects (promotions, mails in the
outbox) commit or roll back together with the change to the meeting. Receivers get the session as `session=`.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A published meeting moved in time or place. sender: the Meeting; `changes` lists ("when" | "where", old, new).
meeting_moved = _signals.signal("meeting-moved")

#: A meeting was called off. sender: the Meeting; `reason` is the organiser's text. Each receiver returns how many
#: people it told.
meeting_cancelled = _signals.signal("meeting-cancelled")

#: A meeting or one of its workshops got more places. sender: the Meeting.
places_added = _signals.signal("places-added")

#: Asked before a round is removed. sender: the WorkshopRound; a receiver returns True when something holds it.
round_in_use = _signals.signal("round-in-use")

#: Asked before a workshop is removed. sender: the Workshop; a receiver returns True when something holds it.
workshop_in_use = _signals.signal("workshop-in-use")


def told(signal, sender, **kwargs) -> int:
    """Send `signal` and add up what its receivers return (how many people they told)."""
    return sum(result or 0 for _receiver, result in signal.send(sender, **kwargs))


def held(signal, sender, **kwargs) -> bool:
    """Ask `signal` whether any receiver holds `sender`."""
    return any(result for _receiver, result in signal.send(sender, **kwargs))
