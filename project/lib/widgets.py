"""Form widgets for the browser's own inputs."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. `<input type="date">` takes only yyyy-mm-dd and shows anything
    else as empty, whatever format the site's language gives dates elsewhere."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)
