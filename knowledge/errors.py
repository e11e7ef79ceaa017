"""Errors at the knowledge room's door."""


class UnreadableDocument(Exception):
    """A file that cannot be turned into text: corrupt, empty, binary or in an unknown encoding."""


class UnsupportedDocument(UnreadableDocument):
    """A file whose type binhdang does not read."""


class DocumentTooLarge(UnreadableDocument):
    """A file with more text than one document may hold (knowledge.loaders.MAX_DOCUMENT_BYTES)."""


class DocumentsFolderError(Exception):
    """The documents folder is missing or cannot be listed."""
