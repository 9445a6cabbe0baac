"""Errors raised when a data file fails validation."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is malformed; the message names the file, the feature and the reason.

    Examples
    --------
    >>> str(DataError("data/periods.csv", "row 3", "end precedes start"))
    'data/periods.csv: row 3: end precedes start'
    """

    def __init__(self, file: str, feature: str, reason: str) -> None:
        self.file, self.feature, self.reason = str(file), str(feature), reason
        super().__init__(f"{self.file}: {self.feature}: {reason}")
