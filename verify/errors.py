"""The one exception verify raises for problems a user can fix."""


class VerifyError(Exception):
    """A problem with the user's input, files or database, told in one line."""
