"""HyperNodes: registration by the operator role, removal, and activity (brief section 4).

A HyperNode is active iff at least one valid ICN Link is staked to it [D]; its weight in the
downtime quorum is the number of such Links [A]. During bootstrap HyperNodes cannot be removed [D].
"""

from __future__ import annotations

from spec.accounts import allocate_id, require_address, require_role
from spec.events import Event, make_event
from spec.operations import RegisterHyperNode, RemoveHyperNode
from spec.reasons import Reason, require
from spec.state import HyperNode, Link, State
from spec.types import HyperNodeStatus, LinkStatus, Role

ISO_3166_ALPHA2: frozenset[str] = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",))
"""ISO 3166-1 alpha-2 country codes: the valid HyperNode locations [D: 'ISO 3166 code']."""


def is_link_valid(link: Link, era: int) -> bool:
    """A Link is valid from its activation era up to, not including, its expiry era [D]."""
    return link.activation_era <= era < link.expiry_era


def get_hypernode_weight(state: State, hypernode_id: int, era: int) -> int:
    """Number of valid Links staked to the HyperNode in ``era``."""
    weight = 0
    for link_id in state.hypernode_links.get(hypernode_id, ()):
        if is_link_valid(state.links[link_id], era):
            weight += 1
    return weight


def is_hypernode_active(state: State, hypernode_id: int, era: int) -> bool:
    hypernode = state.hypernodes.get(hypernode_id)
    if hypernode is None or hypernode.status is not HyperNodeStatus.REGISTERED:
        return False
    return get_hypernode_weight(state, hypernode_id, era) > 0


def get_active_hypernodes(state: State, era: int) -> list[int]:
    """Ids of active HyperNodes, ascending."""
    active = []
    for hypernode_id in sorted(state.hypernodes):
        if is_hypernode_active(state, hypernode_id, era):
            active.append(hypernode_id)
    return active


def process_register_hypernode(state: State, op: RegisterHyperNode) -> list[Event]:
    require_role(state, Role.OPERATOR, op.sender)
    require_address(op.operator)
    for hypernode_id in sorted(state.hypernodes):
        require(state.hypernodes[hypernode_id].public_key != op.public_key, Reason.DUPLICATE_PUBLIC_KEY,
                f"public key used by HyperNode {hypernode_id}")
    require(op.location in ISO_3166_ALPHA2, Reason.INVALID_LOCATION, repr(op.location))
    require(op.endpoint.strip() != "", Reason.INVALID_ENDPOINT, "empty endpoint")
    hypernode_id = allocate_id(state, "hypernode")
    state.hypernodes[hypernode_id] = HyperNode(op.operator, op.public_key, op.location, op.endpoint)
    state.hypernode_links[hypernode_id] = set()
    return [make_event("HyperNodeRegistered", hypernode=hypernode_id, operator=op.operator,
                       location=op.location)]


def process_remove_hypernode(state: State, op: RemoveHyperNode) -> list[Event]:
    """Removal [A]: only after bootstrap [D], and only once no Link is staked or unstaking to it."""
    require_role(state, Role.OPERATOR, op.sender)
    hypernode = state.hypernodes.get(op.hypernode)
    require(hypernode is not None and hypernode.status is HyperNodeStatus.REGISTERED,
            Reason.UNKNOWN_HYPERNODE, f"HyperNode {op.hypernode}")
    require(state.era >= state.params.bootstrap_end_era, Reason.BOOTSTRAP_NO_REMOVAL,
            f"bootstrap lasts until era {state.params.bootstrap_end_era}")
    require(len(state.hypernode_links.get(op.hypernode, ())) == 0, Reason.HYPERNODE_HAS_STAKE,
            f"HyperNode {op.hypernode} has staked Links")
    for link_id in sorted(state.links):
        link = state.links[link_id]
        require(not (link.status is LinkStatus.UNSTAKING_HYPERNODE and link.target == op.hypernode),
                Reason.HYPERNODE_HAS_STAKE, f"Link {link_id} is unstaking from it")
    hypernode.status = HyperNodeStatus.REMOVED
    return [make_event("HyperNodeRemoved", hypernode=op.hypernode)]
