"""The cells' field ids as two-character codes (``store/compact.py`` writes them).

Frozen: a code, once given, never changes meaning (stored rows hold it). The list is the
schema's table ids of 2026-12 in sorted order; a new schema id is appended at the end,
never inserted. Ids not in the list are stored as themselves after a ``=``.
"""

from __future__ import annotations

__all__ = ["FIELD_IDS"]

FIELD_IDS: tuple[str, ...] = tuple(
    """
    active.coercion active.fees active.licensing active.normative.in_force
    active.normative.issued active.normative.repealed active.penalty
    active.regulations.in_force active.regulations.issued active.regulations.repealed
    active2019.coercion.decisions active2019.coercion.items_delta
    active2019.coercion.items_prev active2019.fees.items_delta
    active2019.fees.items_prev active2019.licensing.decisions
    active2019.licensing.items_delta active2019.licensing.items_prev
    active2019.normative.made active2019.normative.published
    active2019.normative.total_public active2019.other_services.decisions
    active2019.other_services.items_delta active2019.other_services.items_prev
    active2019.penalty.decisions active2019.penalty.items_delta
    active2019.penalty.items_prev active2019.procurement.amount
    active2019.procurement.items active2019.regulations.made
    active2019.regulations.published active2019.regulations.total_public
    requests.carried_forward.commercial requests.carried_forward.legal
    requests.carried_forward.natural requests.carried_forward.other_org
    requests.carried_forward.research requests.carried_forward.social
    requests.carried_forward.total requests.carried_over.commercial
    requests.carried_over.legal requests.carried_over.natural
    requests.carried_over.other_org requests.carried_over.research
    requests.carried_over.social requests.carried_over.total
    requests.denied.admin_query.commercial requests.denied.admin_query.legal
    requests.denied.admin_query.natural requests.denied.admin_query.other_org
    requests.denied.admin_query.research requests.denied.admin_query.social
    requests.denied.admin_query.total requests.denied.enforcement_file.commercial
    requests.denied.enforcement_file.legal requests.denied.enforcement_file.natural
    requests.denied.enforcement_file.other_org requests.denied.enforcement_file.research
    requests.denied.enforcement_file.social requests.denied.enforcement_file.total
    requests.denied.internal_affairs.commercial requests.denied.internal_affairs.legal
    requests.denied.internal_affairs.natural requests.denied.internal_affairs.other_org
    requests.denied.internal_affairs.research requests.denied.internal_affairs.social
    requests.denied.internal_affairs.total requests.denied.law_forbidden.commercial
    requests.denied.law_forbidden.legal requests.denied.law_forbidden.natural
    requests.denied.law_forbidden.other_org requests.denied.law_forbidden.research
    requests.denied.law_forbidden.social requests.denied.law_forbidden.total
    requests.denied.process_info.commercial requests.denied.process_info.legal
    requests.denied.process_info.natural requests.denied.process_info.other_org
    requests.denied.process_info.research requests.denied.process_info.social
    requests.denied.process_info.total requests.denied.safety_stability.commercial
    requests.denied.safety_stability.legal requests.denied.safety_stability.natural
    requests.denied.safety_stability.other_org requests.denied.safety_stability.research
    requests.denied.safety_stability.social requests.denied.safety_stability.total
    requests.denied.state_secret.commercial requests.denied.state_secret.legal
    requests.denied.state_secret.natural requests.denied.state_secret.other_org
    requests.denied.state_secret.research requests.denied.state_secret.social
    requests.denied.state_secret.total requests.denied.third_party.commercial
    requests.denied.third_party.legal requests.denied.third_party.natural
    requests.denied.third_party.other_org requests.denied.third_party.research
    requests.denied.third_party.social requests.denied.third_party.total
    requests.granted.commercial requests.granted.legal requests.granted.natural
    requests.granted.other_org requests.granted.research requests.granted.social
    requests.granted.total requests.new.commercial requests.new.legal
    requests.new.natural requests.new.other_org requests.new.research
    requests.new.social requests.new.total requests.other.commercial
    requests.other.legal requests.other.misc.commercial requests.other.misc.legal
    requests.other.misc.natural requests.other.misc.other_org
    requests.other.misc.research requests.other.misc.social requests.other.misc.total
    requests.other.natural requests.other.no_correction.commercial
    requests.other.no_correction.legal requests.other.no_correction.natural
    requests.other.no_correction.other_org requests.other.no_correction.research
    requests.other.no_correction.social requests.other.no_correction.total
    requests.other.no_fee.commercial requests.other.no_fee.legal
    requests.other.no_fee.natural requests.other.no_fee.other_org
    requests.other.no_fee.research requests.other.no_fee.social
    requests.other.no_fee.total requests.other.other_org requests.other.research
    requests.other.social requests.other.total requests.partial.commercial
    requests.partial.legal requests.partial.natural requests.partial.other_org
    requests.partial.research requests.partial.social requests.partial.total
    requests.processed_total.commercial requests.processed_total.legal
    requests.processed_total.natural requests.processed_total.other_org
    requests.processed_total.research requests.processed_total.social
    requests.processed_total.total requests.rejected.confirm.commercial
    requests.rejected.confirm.legal requests.rejected.confirm.natural
    requests.rejected.confirm.other_org requests.rejected.confirm.research
    requests.rejected.confirm.social requests.rejected.confirm.total
    requests.rejected.duplicate.commercial requests.rejected.duplicate.legal
    requests.rejected.duplicate.natural requests.rejected.duplicate.other_org
    requests.rejected.duplicate.research requests.rejected.duplicate.social
    requests.rejected.duplicate.total requests.rejected.excessive.commercial
    requests.rejected.excessive.legal requests.rejected.excessive.natural
    requests.rejected.excessive.other_org requests.rejected.excessive.research
    requests.rejected.excessive.social requests.rejected.excessive.total
    requests.rejected.petition.commercial requests.rejected.petition.legal
    requests.rejected.petition.natural requests.rejected.petition.other_org
    requests.rejected.petition.research requests.rejected.petition.social
    requests.rejected.petition.total requests.rejected.publication.commercial
    requests.rejected.publication.legal requests.rejected.publication.natural
    requests.rejected.publication.other_org requests.rejected.publication.research
    requests.rejected.publication.social requests.rejected.publication.total
    requests.unable.needs_creation.commercial requests.unable.needs_creation.legal
    requests.unable.needs_creation.natural requests.unable.needs_creation.other_org
    requests.unable.needs_creation.research requests.unable.needs_creation.social
    requests.unable.needs_creation.total requests.unable.not_held.commercial
    requests.unable.not_held.legal requests.unable.not_held.natural
    requests.unable.not_held.other_org requests.unable.not_held.research
    requests.unable.not_held.social requests.unable.not_held.total
    requests.unable.unclear.commercial requests.unable.unclear.legal
    requests.unable.unclear.natural requests.unable.unclear.other_org
    requests.unable.unclear.research requests.unable.unclear.social
    requests.unable.unclear.total reviews.litigation_after.corrected
    reviews.litigation_after.other reviews.litigation_after.pending
    reviews.litigation_after.total reviews.litigation_after.upheld
    reviews.litigation_direct.corrected reviews.litigation_direct.other
    reviews.litigation_direct.pending reviews.litigation_direct.total
    reviews.litigation_direct.upheld reviews.reconsideration.corrected
    reviews.reconsideration.other reviews.reconsideration.pending
    reviews.reconsideration.total reviews.reconsideration.upheld
    """.split()
)
