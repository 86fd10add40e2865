"""Download the docs page of one torchvision release, safely.

Only the page of a validated version under the configured base URL can be requested, so
nothing a user types (a URL query value, say) can make the app fetch another address.
Every failure is a FetchError whose message a user understands.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import requests

from torchvision_stats import __version__

logger = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://docs.pytorch.org/vision/"
BASE_URL_VARIABLE = "TVSTATS_DOCS_BASE_URL"
TIMEOUT_VARIABLE = "TVSTATS_FETCH_TIMEOUT"  # read timeout in seconds, for slow links and tests
CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0
MAX_BODY_BYTES = 5_000_000  # the real page is 0.18 MB
MAX_REDIRECTS = 5
USER_AGENT = f"torchvision-stats/{__version__} (+https://github.com/torchvision-stats)"
# A docs version as the site names it; versions.py reads the same pattern from links.
VERSION_PATTERN = r"main|stable|0\.\d{1,3}"
_VERSION = re.compile(f"^(?:{VERSION_PATTERN})$")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class FetchError(Exception):
    """A fetch that did not give a usable page; str(error) is the message for users."""


@dataclass(frozen=True)
class FetchedPage:
    url: str
    html: bytes
    text: str  # decoded with the charset the server declared (UTF-8 when it declared none)
    fetched_at: datetime
    sha256: str


def validate_version(version: str) -> str:
    if not isinstance(version, str) or not _VERSION.match(version):
        raise FetchError(
            f"{version!r} is not a torchvision docs version: use main, stable or a release such as 0.20."
        )
    return version


def base_url(override: str | None = None) -> str:
    url = override or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def page_url(version: str, base: str | None = None) -> str:
    return urljoin(base_url(base), f"{validate_version(version)}/models.html")


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _get(session: requests.Session, url: str, timeout: tuple[float, float]) -> requests.Response:
    host = _host(url)
    try:
        return session.get(url, timeout=timeout, stream=True, allow_redirects=False)
    except requests.Timeout as error:
        raise FetchError(f"{host} did not answer within {timeout[1]:g} s.") from error
    except requests.ConnectionError as error:
        raise FetchError(f"Could not connect to {host} (no network, or the site is down).") from error
    except requests.RequestException as error:
        raise FetchError(f"The request to {host} failed: {type(error).__name__}.") from error


def _read_body(response: requests.Response, url: str, timeout: float, max_bytes: int) -> bytes:
    host = _host(url)
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"The page from {host} is {int(declared) / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit."
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"The page from {host} is over the {max_bytes / 1e6:.1f} MB limit.")
            chunks.append(chunk)
    except requests.exceptions.ConnectionError as error:
        # requests reports a stalled body as a ConnectionError wrapping a read timeout.
        if "timed out" in str(error).lower():
            raise FetchError(f"{host} stopped sending the page (nothing for {timeout:g} s).") from error
        raise FetchError(f"The connection to {host} broke while the page was downloading.") from error
    except requests.RequestException as error:  # ChunkedEncodingError: the body ended early
        raise FetchError(f"The connection to {host} broke while the page was downloading.") from error
    return b"".join(chunks)


def versions_url(base: str | None = None) -> str:
    return urljoin(base_url(base), "versions.html")


def read_timeout_seconds() -> float:
    """TVSTATS_FETCH_TIMEOUT when it is a positive number, else the default."""
    try:
        value = float(os.environ.get(TIMEOUT_VARIABLE, ""))
    except ValueError:
        return READ_TIMEOUT_SECONDS
    return value if 0 < value < 600 else READ_TIMEOUT_SECONDS


def fetch_page(
    version: str,
    *,
    base: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    read_timeout: float | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> FetchedPage:
    """GET the models page of `version`; redirects are followed only within the same site."""
    return fetch_url(page_url(version, base), connect_timeout, read_timeout, max_bytes)


def fetch_url(
    url: str,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    read_timeout: float | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> FetchedPage:
    """GET one page the callers above built from the base URL; never a URL a user typed."""
    read_timeout = read_timeout if read_timeout is not None else read_timeout_seconds()
    logger.info("fetching %s", url)
    origin = _origin(url)
    timeout = (connect_timeout, read_timeout)
    with requests.Session() as session:
        session.headers["User-Agent"] = USER_AGENT
        session.headers["Accept"] = "text/html,application/xhtml+xml"
        for _ in range(MAX_REDIRECTS + 1):
            response = _get(session, url, timeout)
            if not response.is_redirect:
                break
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if _origin(target) != origin:
                raise FetchError(f"{_host(url)} redirected to another site ({_host(target)}); not followed.")
            url = target
        else:
            raise FetchError(f"{_host(url)} redirected more than {MAX_REDIRECTS} times (a redirect loop?).")
        with response:
            if response.status_code != 200:
                reason = "no such docs version" if response.status_code == 404 else response.reason or "error"
                raise FetchError(f"{_host(url)} answered HTTP {response.status_code} ({reason}) for {url}.")
            content_type = response.headers.get("Content-Type", "")
            if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
                raise FetchError(
                    f"{_host(url)} sent {content_type or 'no content type'!s} instead of an HTML page."
                )
            body = _read_body(response, url, read_timeout, max_bytes)
            encoding = response.encoding if "charset=" in content_type.lower() else "utf-8"
    try:
        text = body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return FetchedPage(
        url=url,
        html=body,
        text=text,
        fetched_at=datetime.now(UTC),
        sha256=hashlib.sha256(body).hexdigest(),
    )
