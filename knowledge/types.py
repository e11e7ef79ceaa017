"""The things that leave the knowledge room: a source document's metadata and its passages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Source:
    """One document of the knowledge base, described by the manifest or by its own header."""

    id: str
    title: str
    issuer: str = ""
    number: str = ""
    issued: str = ""  # ISO: YYYY-MM-DD, or YYYY-MM when the day is blank, or ""
    doc_type: str = ""  # law, decree, circular, decision, plan, news, guidance, document
    text_kind: str = ""  # web-page, document, legal-text
    place: str = ""
    effective: str = ""
    note: str = ""  # what a reader must know about the document's currency (shown with its passages)
    status: str = ""  # in-force, amended, historical, check (knowledge.status); "" when unknown
    capture_note: str = ""  # how the file was captured: for admins, never shown to readers
    excerpt: bool = False
    about_document: str = ""
    signer: str = ""  # who signed: "Trần Thị Diệu Thúy" (from the signature block, or the manifest)
    signer_title: str = ""  # the authority lines above the name: "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"
    site: str = ""  # for a news page: the site that published it (manifest), else its issuer is shown
    published: str = ""  # for a news page: the date it was posted (ISO), when the page says so
    file: str = ""
    content_hash: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Source":
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class Passage:
    """A quotable piece of a source: verbatim NFC text plus where in the source it stands."""

    id: str  # "<source_id>#<ordinal>"
    source_id: str
    ordinal: int
    text: str  # what the user is shown, verbatim from the source (heading line first)
    location: str = ""  # "Điều 5 khoản 3", "mục II.2", "" for an unstructured page
    section: str = ""  # key of the whole Điều / top-level section this passage belongs to
    citation: str = ""  # a line a person can read: title, number, issuer, date, location
    role: str = "body"  # knowledge.roles: letterhead, preamble, body, execution, signature, recipients
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Passage":
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in data.items() if key in known})
