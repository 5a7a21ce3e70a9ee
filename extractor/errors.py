"""Errors about input that a user can fix: each carries a short code and a clear message."""


class InputError(ValueError):
    """Bad input (HTTP 4xx / CLI message), never a crash."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def __reduce__(self):  # noqa: ANN204 - keeps code and status when sent from a worker process
        return (type(self), (self.code, self.message, self.status))
