"""The tables of allowed state moves: every one found, and nothing moves out of a final
state."""

import enum
import importlib
import pkgutil

import pytest

import portal.services
from portal.services import request_states, transitions

# --- the transition tables ----------------------------------------------------------------------

# The states nothing comes back from. DESIGN.md ("The flow") names no move out of any of them:
# "declined ──> next offer" is a new offer to the next person, not the declined one reopened; a
# cancelled event is followed by scheduling a new one ("cancel, then schedule again"); a
# withdrawn request or assignment and a lapsed offer are over.
FINAL = {"declined", "lapsed", "withdrawn", "cancelled"}
# Moves out of a final state that the design names, each with the words that name it. None.
ALLOWED_OUT_OF_FINAL = {
    # (SomeStatus.FROM, SomeStatus.TO): "the line of DESIGN.md that names the move",
}


def _transition_tables():
    """Every table of allowed moves in portal/services, by where it is defined: a module-level
    dict from every member of one status enum to a set of members of that enum."""
    tables = {}
    for found in pkgutil.walk_packages(portal.services.__path__, "portal.services."):
        module = importlib.import_module(found.name)
        for name, table in vars(module).items():
            if not isinstance(table, dict) or not table:
                continue
            kinds = {type(key) for key in table}
            if len(kinds) != 1 or not issubclass(next(iter(kinds)), enum.Enum):
                continue
            if all(isinstance(moves, set | frozenset) for moves in table.values()):
                tables.setdefault(id(table), (f"{module.__name__}.{name}", table))
    return dict(tables.values())


def test_the_walk_finds_the_event_assignment_and_request_tables():
    tables = _transition_tables()
    assert tables["portal.services.transitions.EVENT_TRANSITIONS"] is transitions.EVENT_TRANSITIONS
    assert (
        tables["portal.services.transitions.ASSIGNMENT_TRANSITIONS"]
        is transitions.ASSIGNMENT_TRANSITIONS
    )
    assert tables["portal.services.request_states.TRANSITIONS"] is request_states.TRANSITIONS


@pytest.mark.parametrize("name", sorted(_transition_tables()))
def test_nothing_moves_out_of_declined_lapsed_withdrawn_or_cancelled(name):
    table = _transition_tables()[name]
    status = type(next(iter(table)))
    assert set(table) == set(status), f"{name} must say where every state may go"
    for state in status:
        for target in table[state]:
            assert type(target) is status, f"{name}: {state!r} -> {target!r}"
    moves_out = {
        (state, target)
        for state, targets in table.items()
        if state.value in FINAL
        for target in targets
    }
    # By type: the status enums are strings, so RequestStatus.DECLINED == AssignmentStatus.DECLINED.
    allowed = {move for move in ALLOWED_OUT_OF_FINAL if type(move[0]) is status}
    assert moves_out == allowed, name
