"""Source declarations: one YAML file, one list, one entry per source.

Each entry is validated by a pydantic model chosen by its ``kind``. Unknown keys and bad
values fail with the file, the source (name or position) and the field named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from urllib.parse import urlsplit

import soupsieve
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

SLUG = r"^[a-z][a-z0-9_]{1,63}$"
Genre = Literal["filing", "press_release", "news"]
Cadence = Literal["hourly", "daily", "weekly", "monthly"]


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names file, source and field."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=SLUG, description="unique slug; becomes part of document ids")
    cadence: Cadence = "daily"
    genre: Genre | None = Field(
        default=None, description="authority of the source's documents; defaults by kind"
    )
    enabled: bool = True

    default_genre: ClassVar[str] = "news"

    @property
    def document_genre(self) -> str:
        return self.genre or self.default_genre

    @property
    def location(self) -> str:
        """Where the source is read from, for listings (``csi sources check``, the catalog)."""
        return str(getattr(self, "url", None) or getattr(self, "path", None) or "")


def check_url(value: str) -> str:
    """An http(s) URL with a host and no whitespace or control characters (a URL with a
    newline or no host fails here, at load, rather than at run time)."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("URL contains whitespace or a control character")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("URL must start with http:// or https://")
    try:
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError as exc:
        raise ValueError(f"URL has an invalid port: {exc}") from None
    if not parts.hostname:
        raise ValueError("URL has no host")
    return value


def check_selector(value: str) -> str:
    """A CSS selector soupsieve (BeautifulSoup's selector engine) can compile."""
    try:
        soupsieve.compile(value)
    except Exception as exc:  # SelectorSyntaxError and the rest
        first = str(exc).splitlines()[0]
        raise ValueError(f"invalid CSS selector {value!r}: {first}") from None
    return value


Url = Annotated[str, AfterValidator(check_url)]
Selector = Annotated[str, Field(min_length=1), AfterValidator(check_selector)]


class _HttpSpec(_Spec):
    rate_limit_per_s: float = Field(default=1.0, ge=0.001, le=10)
    allow_private_network: bool = Field(
        default=False,
        description="links and redirects may reach loopback / private addresses (an intranet)",
    )

    @property
    def trusted_urls(self) -> list[str]:
        """The URLs the user configured: their hosts may be anywhere, even internal."""
        return [
            u for u in (getattr(self, k, None) for k in ("url", "data_url", "archives_url")) if u
        ]


class RssSpec(_HttpSpec):
    kind: Literal["rss"]
    url: Url
    follow_links: bool = True
    max_items: int | None = Field(default=None, gt=0)


class HtmlIndexSpec(_HttpSpec):
    kind: Literal["html_index"]
    url: Url
    link_selector: Selector
    next_selector: Selector | None = None
    max_pages: int = Field(default=1, ge=1, le=100)
    default_genre: ClassVar[str] = "press_release"


SEC_DATA_URL = "https://data.sec.gov"
SEC_ARCHIVES_URL = "https://www.sec.gov"
_FORM = r"^[A-Z0-9][A-Z0-9 ./-]{0,19}$"
_EXHIBIT = r"^EX-\d+(?:\.\d+)?$"


class _SecSpec(_HttpSpec):
    """SEC kinds: at most 10 requests per second (SEC's fair-access limit; the client also
    clamps every sec.gov host to it), and a contact email in the User-Agent when live."""

    ciks: list[Annotated[int, Field(gt=0, lt=10**10)]] = Field(min_length=1)
    rate_limit_per_s: float = Field(default=5.0, ge=0.001, le=10)
    data_url: Url = Field(
        default=SEC_DATA_URL,
        description="base of the submissions / companyfacts API (a mirror or a test server)",
    )
    default_genre: ClassVar[str] = "filing"

    @property
    def location(self) -> str:
        ciks = ", ".join(str(c) for c in self.ciks)
        return f"{self.data_url} (CIK {ciks})"

    @field_validator("data_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")


class SecEdgarSpec(_SecSpec):
    kind: Literal["sec_edgar"]
    forms: list[Annotated[str, Field(pattern=_FORM)]] = Field(
        default_factory=lambda: ["8-K", "6-K"], min_length=1
    )
    since: date | None = None
    exhibits: list[Annotated[str, Field(pattern=_EXHIBIT)]] = Field(
        default_factory=lambda: ["EX-99.1", "EX-99.2"],
        description="exhibit types fetched beside each filing's primary document",
    )
    amendments: bool = Field(default=True, description="'8-K' also matches '8-K/A'")
    max_filings: int | None = Field(default=None, gt=0, description="per company, newest first")
    archives_url: Url = Field(
        default=SEC_ARCHIVES_URL,
        description="base of /Archives/edgar/data (a mirror or a test server)",
    )

    @field_validator("forms", "exhibits", mode="before")
    @classmethod
    def _upper(cls, value):
        if isinstance(value, list):
            return [v.strip().upper() if isinstance(v, str) else v for v in value]
        return value

    @field_validator("forms")
    @classmethod
    def _no_exhibits_in_forms(cls, value: list[str]) -> list[str]:
        wrong = [v for v in value if v.startswith("EX-")]
        if wrong:
            raise ValueError(f"{', '.join(wrong)} are exhibit types: list them under 'exhibits'")
        return value

    @field_validator("archives_url")
    @classmethod
    def _strip_archives_slash(cls, value: str) -> str:
        return value.rstrip("/")


class XbrlFactsSpec(_SecSpec):
    kind: Literal["xbrl_facts"]
    concepts: list[
        Annotated[str, Field(pattern=r"^(?:[a-z][a-z0-9-]*:)?[A-Za-z][A-Za-z0-9_]*$")]
    ] = Field(
        default_factory=lambda: ["PaymentsToAcquirePropertyPlantAndEquipment"],
        min_length=1,
        description="XBRL concepts, 'us-gaap:' assumed; 'ifrs-full:Name' for other taxonomies",
    )
    max_bytes: int = Field(
        default=100 * 1024 * 1024,
        gt=0,
        description="body cap for companyfacts files (large filers' run to tens of megabytes)",
    )


class LocalSpec(_Spec):
    kind: Literal["local"]
    path: str = Field(min_length=1, description="folder or glob; relative to the sources file")
    extensions: list[str] = Field(
        default_factory=lambda: [".html", ".htm", ".txt", ".md", ".xml", ".json"], min_length=1
    )
    max_file_bytes: int = Field(
        default=20 * 1024 * 1024,
        gt=0,
        description="files larger than this are skipped with a logged reason (default 20 MB)",
    )

    @field_validator("extensions")
    @classmethod
    def _dotted(cls, value: list[str]) -> list[str]:
        return [v if v.startswith(".") else f".{v}" for v in (x.lower() for x in value)]


SourceSpec = Annotated[
    RssSpec | HtmlIndexSpec | SecEdgarSpec | XbrlFactsSpec | LocalSpec,
    Field(discriminator="kind"),
]
KINDS = ("rss", "html_index", "sec_edgar", "xbrl_facts", "local")


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[SourceSpec] = Field(min_length=1)
    user_agent: str | None = None
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesFile:
        seen: dict[str, int] = {}
        for n, spec in enumerate(self.sources, start=1):
            if spec.name in seen:
                raise ValueError(
                    f"duplicate source name {spec.name!r} (entries {seen[spec.name]} and {n} "
                    "of the sources list)"
                )
            seen[spec.name] = n
        return self

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve_local(self, spec: LocalSpec) -> Path:
        """A local spec's path, expanded and made absolute against the sources file."""
        raw = Path(spec.path).expanduser()
        return raw if raw.is_absolute() else (self.base_dir / raw)


def _describe(path: Path, raw: dict, err: dict) -> str:
    loc = list(err.get("loc", ()))
    where = "file"
    field = ".".join(str(p) for p in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        idx = loc[1]
        entries = raw.get("sources") or []
        name = (
            entries[idx].get("name")
            if idx < len(entries) and isinstance(entries[idx], dict)
            else None
        )
        where = f"source {name!r} (entry {idx + 1})" if name else f"source entry {idx + 1}"
        rest = [str(p) for p in loc[2:] if str(p) not in KINDS]
        field = ".".join(rest) or "(entry)"
    msg = err.get("msg", "invalid")
    if err.get("type") == "extra_forbidden":
        msg = "unknown key"
    elif err.get("type") == "union_tag_invalid":
        given = (err.get("ctx") or {}).get("tag") or err.get("input")
        field = "kind"
        msg = f"unknown kind {given!r}; expected one of {', '.join(KINDS)}"
    elif err.get("type") == "union_tag_not_found":
        field = "kind"
        msg = f"missing 'kind'; expected one of {', '.join(KINDS)}"
    return f"{path}: {where}: field {field!r}: {msg}"


def load_sources(path: str | Path) -> SourcesFile:
    """Read and validate a sources YAML file."""
    path = Path(path).expanduser().resolve()
    if not path.exists():
        raise SourcesError(f"{path}: sources file not found")
    if path.is_dir():
        raise SourcesError(f"{path}: is a folder; give the sources YAML file inside it")
    try:
        with path.open(encoding="utf-8") as stream:  # marks name the file, not "<unicode string>"
            raw = yaml.safe_load(stream)
    except UnicodeDecodeError as exc:
        raise SourcesError(
            f"{path}: not UTF-8 text (byte {exc.object[exc.start : exc.start + 1]!r} at "
            f"offset {exc.start}); save the sources file as UTF-8"
        ) from None
    except OSError as exc:
        raise SourcesError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or "sources" not in raw:
        raise SourcesError(f"{path}: expected a mapping with a 'sources:' list")
    try:
        parsed = SourcesFile.model_validate(raw)
    except ValidationError as exc:
        lines = [_describe(path, raw, e) for e in exc.errors()]
        raise SourcesError("invalid sources file:\n  " + "\n  ".join(lines)) from None
    return parsed.model_copy(update={"path": path})
