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

    def shown_from(self, root: str) -> str:
        """The message with the file's path relative to ``root``, for a reader's eyes.

        Examples
        --------
        >>> error = DataError("/srv/atlas/data/units.json", "groups[1]", "no units")
        >>> error.shown_from("/srv/atlas")
        'data/units.json: groups[1]: no units'
        """
        prefix = root.rstrip("/") + "/"
        file = self.file.removeprefix(prefix)
        return f"{file}: {self.feature}: {self.reason}"
