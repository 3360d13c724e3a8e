"""The lifecycle engine, once, on a small table of its own over data request rows."""

from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from project import roles
from project.lib.lifecycle import Edge, Lifecycle, Stale, transition_claim, transition_take
from requests_app.models import DataRequest, Status

pytestmark = pytest.mark.django_db
C = frozenset({roles.COORDINATOR})


def _engine(log: list) -> Lifecycle:
    def sign(transition):
        row = transition.obj  # the row's own constraints want these dates once it is sent
        row.sent_on = row.due_date = row.long_overdue_date = transition.on
        log.append(("before", transition.obj.status, transition.extra.get("stamp")))

    def saved(transition):
        log.append(("after", DataRequest.objects.get(pk=transition.obj.pk).status))

    def refuse(transition):
        raise ValidationError("Not today.")

    return Lifecycle(
        model=DataRequest,
        edges={
            "open": Edge("Open", frozenset({Status.DRAFT}), Status.SENT, C, notify="watchers"),
            "close": Edge("Close", frozenset({Status.SENT}), lambda row: Status.WITHDRAWN, C, note_prompt="Why?"),
            "refuse": Edge("Refuse", frozenset({Status.SENT}), Status.REFUSED, C, note_prompt="Why?"),
            "tick": Edge("Tick", frozenset({Status.SENT}), Status.SENT),
        },
        noun="item",
        article="An",
        may=lambda user, row, edge: (
            not edge.roles if user is None else any(roles.has_role(user, r) for r in edge.roles)
        ),
        record=lambda transition: log.append(("record", transition.from_status, transition.obj.status)),
        version_field="version",
        before={"open": (sign,), "refuse": (refuse,)},
        after={"open": (saved,)},
        audiences={"watchers": lambda transition: [transition.obj.coordinator]},
        tell=lambda transition, users: log.append(("tell", list(users), transition.note)),
    )


@pytest.fixture
def log():
    return []


@pytest.fixture
def engine(log):
    return _engine(log)


@pytest.fixture
def row(agency_a, make_request):
    return make_request(agency_a)


def test_it_moves_the_row_bumps_its_version_and_saves_both(engine, row, coordinator):
    moved = transition_take(lifecycle=engine, obj=row, action="open", user=coordinator, expected_version=row.version)
    stored = DataRequest.objects.get(pk=row.pk)
    assert moved.status == stored.status == Status.SENT
    assert stored.version == row.version + 1


def test_it_runs_before_hooks_then_records_then_saves_then_runs_after_hooks_then_tells(engine, log, row, coordinator):
    transition_take(lifecycle=engine, obj=row, action="open", user=coordinator, note="  Off it goes. ", stamp="x")
    assert log == [
        ("before", Status.SENT, "x"),
        ("record", Status.DRAFT, Status.SENT),
        ("after", Status.SENT),
        ("tell", [coordinator], "Off it goes."),
    ]


def test_a_stale_page_is_refused_with_the_one_stale_error_and_changes_nothing(engine, log, row, coordinator):
    with pytest.raises(Stale, match="Someone changed this item after you opened the page. Reload it and try again."):
        transition_take(lifecycle=engine, obj=row, action="open", user=coordinator, expected_version=row.version - 1)
    assert DataRequest.objects.get(pk=row.pk).status == Status.DRAFT and log == []


def test_the_version_check_is_offered_for_edits_outside_the_engine(engine, row):
    engine.check_version(row, row.version)
    engine.check_version(row, None)
    with pytest.raises(Stale):
        engine.check_version(row, row.version + 1)


def test_an_edge_from_another_state_is_refused_and_names_the_state(engine, log, row, coordinator):
    with pytest.raises(ValidationError, match="An item that is draft cannot take the action 'Close'."):
        transition_take(lifecycle=engine, obj=row, action="close", user=coordinator, note="x")
    assert log == []


def test_an_unknown_action_is_refused(engine, row, coordinator):
    with pytest.raises(ValidationError, match="Unknown action 'fly'"):
        transition_take(lifecycle=engine, obj=row, action="fly", user=coordinator)


def test_a_role_the_edge_does_not_name_is_refused(engine, log, row, dpo):
    with pytest.raises(PermissionDenied, match="Your role cannot take the action 'Open' on this item."):
        transition_take(lifecycle=engine, obj=row, action="open", user=dpo)
    assert DataRequest.objects.get(pk=row.pk).status == Status.DRAFT and log == []


def test_the_system_takes_only_what_the_lifecycle_lets_it(engine, row, coordinator):
    with pytest.raises(PermissionDenied, match="The system only takes scheduled transitions."):
        transition_take(lifecycle=engine, obj=row, action="open", user=None)
    opened = transition_take(lifecycle=engine, obj=row, action="open", user=coordinator)
    assert transition_take(lifecycle=engine, obj=opened, action="tick", user=None).status == Status.SENT


def test_an_edge_with_a_note_prompt_refuses_a_blank_note(engine, row, coordinator):
    opened = transition_take(lifecycle=engine, obj=row, action="open", user=coordinator)
    with pytest.raises(ValidationError, match="Why\\? Please add a note."):
        transition_take(lifecycle=engine, obj=opened, action="close", user=coordinator, note="   ")
    closed = transition_take(lifecycle=engine, obj=opened, action="close", user=coordinator, note="Done with it.")
    assert closed.status == Status.WITHDRAWN  # a callable target


def test_a_before_hook_may_refuse_and_then_nothing_is_recorded_or_saved(engine, log, row, coordinator):
    opened = transition_take(lifecycle=engine, obj=row, action="open", user=coordinator)
    log.clear()
    with pytest.raises(ValidationError, match="Not today."):
        transition_take(lifecycle=engine, obj=opened, action="refuse", user=coordinator, note="No.")
    assert DataRequest.objects.get(pk=row.pk).status == Status.SENT and log == []


def test_an_edge_without_an_audience_tells_nobody(engine, log, row, coordinator):
    opened = transition_take(lifecycle=engine, obj=row, action="open", user=coordinator)
    log.clear()
    transition_take(lifecycle=engine, obj=opened, action="close", user=coordinator, note="Done.")
    assert [entry[0] for entry in log] == ["record"]


def test_a_claim_returns_none_once_another_run_has_moved_the_row(engine, row, coordinator):
    first = transition_claim(lifecycle=engine, obj=row, action="open", user=coordinator)
    assert first.status == Status.SENT
    assert transition_claim(lifecycle=engine, obj=row, action="open", user=coordinator) is None


def test_a_lifecycle_naming_an_unknown_edge_or_audience_is_refused_at_once(engine):
    with pytest.raises(ValueError, match="unknown edges"):
        replace(engine, after={"opne": ()})
    with pytest.raises(ValueError, match="audiences"):
        replace(engine, audiences={})


def test_the_save_writes_what_the_edge_and_its_hooks_changed_and_no_other_field(engine, row, coordinator, monkeypatch):
    """Another writer's change between the lock and the save is kept: the row is not written back
    whole as it was read."""
    locked_then = Lifecycle.lock

    def lock_then_write(lifecycle, obj):
        locked = locked_then(lifecycle, obj)
        DataRequest.objects.filter(pk=obj.pk).update(title="Renamed meanwhile")
        return locked

    monkeypatch.setattr(Lifecycle, "lock", lock_then_write)
    transition_take(lifecycle=engine, obj=row, action="open", user=coordinator)
    stored = DataRequest.objects.get(pk=row.pk)
    assert stored.title == "Renamed meanwhile"
    assert stored.status == Status.SENT and stored.version == row.version + 1  # the edge's own fields
    assert stored.sent_on == stored.due_date == stored.long_overdue_date is not None  # the hook's
