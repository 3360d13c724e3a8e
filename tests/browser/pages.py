"""What every journey does on a page: sign in as someone."""

from django.urls import reverse

from tests.factories import PASSWORD


def log_in(page, user) -> None:
    """Signs in through the login page, as whoever was signed in before signs out."""
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def stacks_on_a_phone(page, upper: str, lower: str) -> bool:
    """Whether, 390 px wide, the `lower` element starts below the `upper` one: two columns became one."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        first, second = page.locator(upper).bounding_box(), page.locator(lower).bounding_box()
        return second["y"] >= first["y"] + first["height"]
    finally:
        page.set_viewport_size(size)
