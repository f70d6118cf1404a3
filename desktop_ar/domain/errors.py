"""Base exceptions shared by every layer.

A ``DomainError`` carries a stable ``code`` plus parameters; the UI and CLI turn the code into a
(translated) sentence that says what to fix. ``UserFacingError`` is an error whose message is
meant for the user as it is. ``Cancelled`` is raised when the user cancels long work; it is never
shown as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# English sentences for error codes; the UI translates them, the CLI prints them.
MESSAGES: dict[str, str] = {
    "currency_mismatch": "Cannot combine amounts in {left} and {right}.",
    "unknown_currency": "Unknown currency code {currency!r}.",
    "too_many_decimals": "{value} has more than {decimals} decimals allowed for {currency}.",
    "not_a_number": "{value!r} is not a number.",
    "bad_amount": "{value!r} is not an amount; write it like 1,234.50.",
    "bad_date": "{value!r} is not a date; write it as YYYY-MM-DD.",
    "bad_terms": "Payment terms {value!r} are not understood: {reason}.",
    "over_allocation": "Cannot allocate {amount}: only {available} is open.",
    "not_found": "{entity} {key!r} does not exist.",
    "permission_denied": "Your role ({role}) may not {action}.",
    "concurrent_edit": "{entity} was changed by someone else; reload and try again.",
    "not_a_database": "{path} is not a Desktop AR database.",
    "newer_schema": "{path} was created by a newer version of Desktop AR (schema {revision}).",
    "database_busy": "The database is busy; try again in a moment.",
    "read_only": "The database is open read-only; changes cannot be saved.",
    "file_missing": "{path} does not exist.",
    "duplicate": "{entity} {key!r} already exists.",
    "invalid": "{field}: {reason}.",
    "already_reversed": "{entity} {key} is already reversed.",
    "has_documents": "{entity} {key} has documents; deactivate it instead of deleting it.",
    "has_allocations": "{entity} {key} has allocations; undo them first.",
    "beyond_tolerance": "{amount} is more than the write-off tolerance of {tolerance}.",
    "credit_blocked": "The credit check blocks order {order}: {reasons}",
    "cannot_undo": "Cannot undo the {what}: {reason}.",
    "bank_line_done": (
        "Line {seq} of bank statement {statement} is already {status}; undo that first."
    ),
    "bank_statement_closed": "Bank statement {statement} is closed; reopen it to change it.",
    "bank_statement_unexplained": (
        "Bank statement {statement} cannot be closed: {count} line(s) still open, the first "
        "is line {seq}."
    ),
    "unknown_placeholders": (
        "{field}: unknown placeholder(s) {unknown}. Allowed: {allowed}. "
        "Write {{{{ and }}}} for a literal brace."
    ),
    "class_in_use": (
        "Customer class {class_code!r} is used by {count} customer(s); move them to another "
        "class first."
    ),
    "write_off_same_user": (
        "{user} asked for this write-off and cannot approve it too; another user must approve it."
    ),
    "write_off_pending": "Invoice {invoice} already has a write-off request waiting for approval.",
}


class DomainError(Exception):
    """An error with a stable code and parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """English message for the code, formatted with the parameters."""
        template = MESSAGES.get(self.code)
        if template is None:
            details = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
            return f"{self.code}: {details}" if details else self.code
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return f"{self.code}: {self.params!r}"


class UserFacingError(DomainError):
    """An error whose message is shown to the user as it is (no traceback)."""


class PermissionDenied(UserFacingError):  # noqa: N818 - domain vocabulary
    """The current user's role does not allow the action."""

    def __init__(self, role: str, action: str) -> None:
        super().__init__("permission_denied", role=role, action=action)


class NotFound(UserFacingError):  # noqa: N818 - domain vocabulary
    """A record that was asked for does not exist."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__("not_found", entity=entity, key=key)


class ConcurrentEditError(UserFacingError):
    """Somebody else saved the record first."""

    def __init__(self, entity: str) -> None:
        super().__init__("concurrent_edit", entity=entity)


class Cancelled(Exception):  # noqa: N818 - matches Anki's Interrupted / Electrum's UserCancelled
    """The user cancelled long work; whatever it did is rolled back. Never shown as an error."""


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem in an input file, with its location."""

    file: str
    sheet: str
    row: int
    column: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """Human readable description naming where and what to fix."""
        what = DomainError(self.code, **self.params).message if self.params else self.code
        return f"{self.sheet} row {self.row}, column {self.column}: {self.value!r}: {what}"
