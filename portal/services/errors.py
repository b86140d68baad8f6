"""The one shape of a refusal a form can show next to its field."""


class FieldError(Exception):
    """A change refused; the message says why, in plain words, and `field` names the form field
    it is about, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field

    def show_on(self, form):
        """Put the message on its field of `form`, or return it when no field has it."""
        if self.field and self.field in form:
            form[self.field].errors = [*form[self.field].errors, str(self)]
            return None
        return str(self)
