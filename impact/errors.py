"""Typed errors. The CLI and the app turn each into one plain sentence for the user."""


class ImpactError(Exception):
    """Base class: the message is written for a seller, not a developer."""


class InputError(ImpactError):
    """A file or argument the user gave cannot be used as it is."""


class UnreadableFileError(InputError):
    """The file cannot be read as an order export at all (binary, empty, unknown encoding...)."""


class UnknownFormatError(InputError):
    """The header matches no known export; a column mapping is needed."""

    def __init__(self, message: str, header: list[str] | None = None):
        super().__init__(message)
        self.header = header or []


class AccountingError(InputError):
    """A file's lines could not all be accounted for: nothing of it is imported rather than part of it."""


class NoOrdersError(InputError):
    """A readable export whose lines all were skipped or rejected, or that has no lines after its header."""


class MappingError(InputError):
    """A generic-CSV column mapping is incomplete or names columns the file does not have."""


class MixedCurrencyError(InputError):
    """Amounts in several currencies would have to be summed."""


class WindowError(InputError):
    """An outage window is malformed, outside the data, or has too little history before it."""


class FeedError(ImpactError):
    """A status feed could not be fetched or understood."""


class ShareError(ImpactError):
    """A share link is wrong, expired or revoked."""


class ShareStoreError(ShareError):
    """The share store cannot be used right now (busy, unreachable, its disk full): the link itself may be fine."""


class NotEnoughHistoryError(InputError):
    """The files are fine but cover too little time for this part of the analysis (not a fault of the seller)."""
