"""Errors at the index room's door; the CLI and the bot turn them into plain messages."""


class IndexError_(Exception):
    """Base of the index room's errors (named with a trailing underscore to keep the builtin)."""


class IndexNotFound(IndexError_):
    """No built index where one was expected."""


class IndexDamaged(IndexError_):
    """An index directory exists but fails verification (missing or altered files)."""


class IndexNotWritable(IndexError_):
    """The index directory cannot take a new build (read-only, no permission, disk full); the live build is untouched."""


class IndexIncompatible(IndexError_):
    """An index built by another tokeniser or embedding model than the one configured."""


class EmptyQuestion(ValueError):
    """A question with no searchable words (empty, only emoji or punctuation)."""
