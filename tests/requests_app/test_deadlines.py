"""Working-day deadlines. Pure Python: no database.

Calendar reference: 2 March 2026 is a Monday; Easter 2026 is Good Friday 3 April and Easter Monday
6 April; May Day is Monday 4 May 2026; Christmas Day 2026 is a Friday, so Boxing Day (Saturday) is
observed on Monday 28 December; New Year's Day 2027 is a Friday.
"""

from datetime import date, timedelta

import pytest

from requests_app.deadlines import (
    Deadline,
    Pause,
    add_working_days,
    bank_holidays_between,
    compute_deadline,
    is_working_day,
    status_on,
    working_days_between,
)

MON_2_MAR_2026 = date(2026, 3, 2)


def deadline(sent_on=MON_2_MAR_2026, working_days=20, pauses=(), today=date(2026, 3, 20), **kwargs) -> Deadline:
    return compute_deadline(sent_on=sent_on, working_days=working_days, pauses=list(pauses), today=today, **kwargs)


# --- the calendar -------------------------------------------------------------------------------


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert is_working_day(date(2026, 3, 9))  # Monday


def test_it_skips_the_weekend_after_a_friday():
    # Fri 6 March + 1 working day: Sat 7 and Sun 8 don't count, so Mon 9 March.
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1


def test_it_skips_good_friday_and_easter_monday():
    # Thu 2 April + 1: Fri 3 (Good Friday), Sat, Sun, Mon 6 (Easter Monday) skipped, so Tue 7 April.
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 6))
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_it_lists_bank_holidays_in_an_inclusive_sorted_range():
    assert bank_holidays_between(date(2026, 4, 3), date(2026, 4, 6)) == [
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
    ]
    assert bank_holidays_between(date(2026, 4, 7), date(2026, 5, 3)) == []


def test_it_skips_christmas_and_the_substitute_boxing_day_in_2026():
    # Thu 24 Dec + 1: Fri 25 (Christmas), Sat 26, Sun 27, Mon 28 (Boxing Day observed), so Tue 29 Dec.
    assert not is_working_day(date(2026, 12, 28))
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert (date(2026, 12, 28), "Boxing Day (observed)") in bank_holidays_between(date(2026, 12, 1), date(2026, 12, 31))


def test_it_counts_across_the_new_year():
    # Fri 18 Dec 2026: 21-24 Dec = 4; 25 and 28 off; 29-31 Dec = 7; Fri 1 Jan 2027 off;
    # 4-8 Jan = 12; 11-15 Jan = 17; 18, 19, 20 Jan = 20. Due Wed 20 January 2027.
    assert add_working_days(date(2026, 12, 18), 20) == date(2027, 1, 20)


def test_it_knows_one_off_royal_bank_holidays():
    assert not is_working_day(date(2022, 9, 19))  # State funeral of Queen Elizabeth II (a Monday)
    assert not is_working_day(date(2023, 5, 8))  # Coronation of Charles III (a Monday)


def test_it_builds_the_calendar_for_any_year_it_is_asked_about():
    assert not is_working_day(date(2041, 12, 25))  # a Wednesday
    assert is_working_day(date(2041, 12, 24))


def test_a_request_sent_on_a_bank_holiday_starts_counting_on_the_next_working_day():
    # Sent on Good Friday 3 April: Sat, Sun, Easter Monday skipped; Tue 7 April is day 1, ... Mon 13 is day 5.
    assert add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)
    assert deadline(sent_on=date(2026, 4, 3), working_days=5).due == date(2026, 4, 13)


def test_a_request_sent_on_a_friday_is_due_after_the_weekend():
    # Sent Fri 6 March: Mon 9 to Fri 13 are days 1-5, so 5 working days are due Fri 13 March.
    assert deadline(sent_on=date(2026, 3, 6), working_days=5).due == date(2026, 3, 13)


def test_adding_zero_working_days_returns_the_start_even_on_a_holiday():
    assert add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == 0


def test_working_days_between_undoes_add_working_days():
    # Property over every 4th day of 2025-2027 (so every weekday and holiday season is hit) and n in 0..60.
    start = date(2025, 1, 1)
    while start <= date(2027, 12, 31):
        for n in range(61):
            end = add_working_days(start, n)
            assert working_days_between(start, end) == n, (start, n)
            assert n == 0 or is_working_day(end), (start, n)
        start += timedelta(days=4)


def test_adding_negative_working_days_is_an_error():
    with pytest.raises(ValueError):
        add_working_days(MON_2_MAR_2026, -1)


# --- deadlines ----------------------------------------------------------------------------------


def test_twenty_working_days_from_monday_2_march_2026_is_monday_30_march():
    # Working days 3-6 Mar = 4, 9-13 = 9, 16-20 = 14, 23-27 = 19, Mon 30 March = 20. No holidays in March.
    result = deadline()
    assert result.due == date(2026, 3, 30)
    assert result.paused_working_days == 0
    assert not result.still_paused


def test_long_overdue_is_twice_the_period():
    # Carry on from Mon 30 Mar (20): 31 Mar, 1, 2 Apr = 23; Easter 3 and 6 Apr off; 7-10 = 27; 13-17 = 32;
    # 20-24 = 37; 27, 28, 29 Apr = 40. Long overdue after Wed 29 April.
    result = deadline()
    assert result.long_overdue == date(2026, 4, 29)
    assert result.long_overdue == add_working_days(MON_2_MAR_2026, 40)


def test_a_closed_pause_extends_the_due_date_by_exactly_its_working_days():
    # Question asked Tue 10 March, answered Fri 13 March: 11, 12, 13 March don't count (3 days).
    # Due moves 3 working days past Mon 30 March: Tue 31, Wed 1, Thu 2 April.
    result = deadline(pauses=[Pause(date(2026, 3, 10), date(2026, 3, 13))])
    assert result.paused_working_days == 3
    assert result.due == date(2026, 4, 2) == add_working_days(date(2026, 3, 30), 3)
    assert not result.still_paused


def test_a_pause_applies_to_long_overdue_too():
    # 40th counted day with 11-13 March paused: Thu 2 Apr is day 20; 7-10 Apr = 24; 13-17 = 29; 20-24 = 34;
    # 27-30 Apr = 38; Fri 1 May = 39; Mon 4 May is May Day; Tue 5 May = 40.
    result = deadline(pauses=[Pause(date(2026, 3, 10), date(2026, 3, 13))])
    assert result.long_overdue == date(2026, 5, 5)


def test_a_pause_over_a_weekend_only_costs_its_working_days():
    # Asked Thu 12 March, answered Mon 16 March: Fri 13 and Mon 16 paused (2 days), so due Wed 1 April.
    result = deadline(pauses=[Pause(date(2026, 3, 12), date(2026, 3, 16))])
    assert result.paused_working_days == 2
    assert result.due == date(2026, 4, 1)


def test_a_pause_answered_the_same_day_costs_nothing():
    result = deadline(pauses=[Pause(date(2026, 3, 10), date(2026, 3, 10))])
    assert result.paused_working_days == 0
    assert result.due == date(2026, 3, 30)


def test_an_open_pause_runs_until_today_and_shows_the_earliest_due_date():
    # Asked Tue 10 March, still open on Fri 13 March: same as a pause answered today (3 days), so Thu 2 April.
    result = deadline(pauses=[Pause(date(2026, 3, 10), None)], today=date(2026, 3, 13))
    assert result.still_paused
    assert result.paused_working_days == 3
    assert result.due == date(2026, 4, 2)


def test_an_open_pause_moves_the_due_date_as_days_pass():
    # Still open on Mon 16 March: one more paused day, and Fri 3 April is Good Friday, Mon 6 Easter Monday,
    # so the due date jumps from Thu 2 April to Tue 7 April.
    result = deadline(pauses=[Pause(date(2026, 3, 10), None)], today=date(2026, 3, 16))
    assert result.paused_working_days == 4
    assert result.due == date(2026, 4, 7)


def test_overlapping_pauses_given_out_of_order_are_not_double_counted():
    # (10, 12] and (11, 13] merge into (10, 13]: 11, 12, 13 March, 3 days, as with one pause.
    later, earlier = Pause(date(2026, 3, 11), date(2026, 3, 13)), Pause(date(2026, 3, 10), date(2026, 3, 12))
    result = deadline(pauses=[later, earlier])
    assert result.paused_working_days == 3
    assert result.due == date(2026, 4, 2)
    assert sum("clock stopped" in line for line in result.explanation) == 1


def test_a_pause_inside_another_adds_nothing():
    result = deadline(pauses=[Pause(date(2026, 3, 10), date(2026, 3, 13)), Pause(date(2026, 3, 11), date(2026, 3, 12))])
    assert result.paused_working_days == 3
    assert result.due == date(2026, 4, 2)


def test_separate_pauses_add_up():
    # (3, 4] pauses Wed 4 March; (10, 13] pauses 11-13 March: 4 days, so Fri 3 April... which is Good Friday,
    # then Easter Monday: due Tue 7 April.
    result = deadline(pauses=[Pause(date(2026, 3, 10), date(2026, 3, 13)), Pause(date(2026, 3, 3), date(2026, 3, 4))])
    assert result.paused_working_days == 4
    assert result.due == date(2026, 4, 7)
    assert sum("clock stopped" in line for line in result.explanation) == 2


def test_an_open_pause_merged_with_a_closed_one_is_still_open():
    result = deadline(
        pauses=[Pause(date(2026, 3, 10), date(2026, 3, 12)), Pause(date(2026, 3, 11), None)], today=date(2026, 3, 13)
    )
    assert result.still_paused
    assert result.paused_working_days == 3
    assert result.due == date(2026, 4, 2)


# --- status -------------------------------------------------------------------------------------


def test_status_on_each_day_around_the_deadlines():
    result = deadline()  # due Mon 30 March, long overdue after Wed 29 April
    assert status_on(result, date(2026, 3, 27)) == "on-time"
    assert status_on(result, date(2026, 3, 30)) == "due-today"
    assert status_on(result, date(2026, 3, 31)) == "overdue"
    assert status_on(result, date(2026, 4, 29)) == "overdue"
    assert status_on(result, date(2026, 4, 30)) == "long-overdue"


# --- explanation --------------------------------------------------------------------------------


def test_the_explanation_names_the_holidays_and_the_pause():
    # Sent Mon 16 March; 24 March asked, 27 March answered (25, 26, 27 paused). Counted: 17-20 = 4; 23, 24 = 6;
    # 30, 31 Mar, 1, 2 Apr = 10; Easter off; 7-10 = 14; 13-17 = 19; Mon 20 April = 20.
    # Then 21-24 = 24; 27 Apr-1 May = 29; May Day off; 5-8 = 33; 11-15 = 38; 18, 19 May = 40.
    result = deadline(
        sent_on=date(2026, 3, 16),
        pauses=[Pause(date(2026, 3, 24), date(2026, 3, 27))],
        today=date(2026, 4, 1),
        allowance_note="(the default for secondary schools)",
    )
    assert result.explanation == [
        "Sent on Monday 16 March 2026.",
        "20 working days allowed. (the default for secondary schools)",
        "Weekends and 2 bank holidays are not counted: Good Friday (3 April 2026), Easter Monday (6 April 2026).",
        "The clock stopped for 3 working days while the agency's question was open (24 March to 27 March 2026).",
        "Due by the end of Monday 20 April 2026. Long overdue after Tuesday 19 May 2026.",
    ]


def test_the_explanation_says_when_no_bank_holidays_fall_in_the_period():
    result = deadline()
    assert result.explanation[1] == "20 working days allowed."
    assert "No bank holidays fall in this period." in result.explanation[2]
    assert result.explanation[-1] == (
        "Due by the end of Monday 30 March 2026. Long overdue after Wednesday 29 April 2026."
    )


def test_the_explanation_leaves_out_a_bank_holiday_that_falls_on_a_weekend():
    # Boxing Day 2026 is a Saturday; only its Monday substitute costs a working day.
    result = deadline(sent_on=date(2026, 12, 18), today=date(2026, 12, 18))
    assert result.due == date(2027, 1, 20)
    assert result.explanation[2] == (
        "Weekends and 3 bank holidays are not counted: Christmas Day (25 December 2026), "
        "Boxing Day (observed) (28 December 2026), New Year's Day (1 January 2027)."
    )


def test_the_explanation_describes_an_open_pause():
    result = deadline(pauses=[Pause(date(2026, 3, 10), None)], today=date(2026, 3, 13))
    assert result.explanation[3] == (
        "The clock has been stopped since 10 March 2026 while the agency's question is open; "
        "the due date will move when it is answered."
    )


def test_the_explanation_spells_out_a_pause_across_the_new_year():
    # Asked Wed 30 Dec 2026, answered Tue 5 Jan 2027: 31 Dec, 4 and 5 Jan paused (1 Jan is a holiday).
    result = deadline(
        sent_on=date(2026, 12, 18), pauses=[Pause(date(2026, 12, 30), date(2027, 1, 5))], today=date(2027, 1, 6)
    )
    assert result.paused_working_days == 3
    assert result.explanation[3] == (
        "The clock stopped for 3 working days while the agency's question was open "
        "(30 December 2026 to 5 January 2027)."
    )


def test_a_single_working_day_is_singular():
    result = deadline(working_days=1)
    assert result.explanation[1] == "1 working day allowed."
    assert result.due == date(2026, 3, 3)
    assert result.long_overdue == date(2026, 3, 4)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("working_days", [0, -5])
def test_fewer_than_one_working_day_is_an_error(working_days):
    with pytest.raises(ValueError):
        deadline(working_days=working_days)


def test_a_pause_ending_before_it_starts_is_an_error():
    with pytest.raises(ValueError):
        deadline(pauses=[Pause(date(2026, 3, 13), date(2026, 3, 10))])
