"""Copy-ready tracking URLs and HTML snippets for partners: pure string work, no I/O.

Snippets are HTML a partner pastes into its own site, so every value is escaped for an
attribute or text context here; the portal then shows the snippet as text (escaped again
by the template), never as markup.
"""

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from waymark.models import Agent, Link, Program, as_dict
from waymark.partners.vocabulary import PartnerType

SALES_LINK_SOURCE = "sales-link"


def tracking_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/c/{quote(code, safe='')}"


def sales_link(base_url: str, agent: Agent, program: Program) -> str | None:
    """A concierge's link to the program's order page, credited to it (source=sales-link), or None.

    A deep link on the partner code rather than a stored link: it always follows the
    program's current order page and is checked against the allowed domains on every click.
    """
    if agent.partner_type != PartnerType.CONCIERGE or not program.order_page_url:
        return None
    query = urlencode({"url": program.order_page_url, "source": SALES_LINK_SOURCE})
    return f"{tracking_url(base_url, agent.agent_id)}?{query}"


@dataclass(frozen=True)
class Banner:
    image_url: str
    width: int | None = None
    height: int | None = None
    alt: str | None = None


_HOST = re.compile(r"[a-z0-9.-]+")
PLACEHOLDER_BANNER = Banner("https://IMAGE-URL-FROM-THE-MERCHANT")


def banners(program: Program) -> list[Banner]:
    """Banner images the merchant offers (program settings "banners": image_url, width, height, alt)."""
    out = []
    for entry in as_dict(program.settings).get("banners") or []:
        entry = as_dict(entry)
        if isinstance(entry.get("image_url"), str) and entry["image_url"].startswith(("https://", "http://")):
            out.append(
                Banner(
                    entry["image_url"],
                    _dimension(entry.get("width")),
                    _dimension(entry.get("height")),
                    entry.get("alt") if isinstance(entry.get("alt"), str) else None,
                )
            )
    return out


def _dimension(value: object) -> int | None:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 4000 else None


def text_snippet(url: str, text: str) -> str:
    return f'<a href="{escape(url)}" rel="sponsored">{escape(text)}</a>'


def banner_snippet(url: str, banner: Banner, fallback_alt: str) -> str:
    size = "".join(
        f' {name}="{value}"' for name, value in (("width", banner.width), ("height", banner.height)) if value
    )
    alt = banner.alt or fallback_alt
    return (
        f'<a href="{escape(url)}" rel="sponsored"><img src="{escape(banner.image_url)}" alt="{escape(alt)}"{size}></a>'
    )


@dataclass(frozen=True)
class LinkSnippets:
    url: str
    text: str
    banners: list[str]
    banner_is_placeholder: bool


def for_link(base_url: str, link: Link, program: Program) -> LinkSnippets:
    url = tracking_url(base_url, link.code)
    label = link.name if link.name and not link.is_default else program.name
    offered = banners(program)
    return LinkSnippets(
        url=url,
        text=text_snippet(url, label),
        banners=[banner_snippet(url, banner, program.name) for banner in offered or [PLACEHOLDER_BANNER]],
        banner_is_placeholder=not offered,
    )


def image_origins(images: list[Banner]) -> list[str]:
    """scheme://host[:port] of each image: what a page previewing them must let its CSP load."""
    found = []
    for image in images:
        parts = urlsplit(image.image_url)
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            continue
        # Only a plain host name goes into the policy: anything else could add a directive to it.
        if parts.scheme in ("https", "http") and parts.hostname and _HOST.fullmatch(parts.hostname):
            found.append(f"{parts.scheme}://{parts.hostname}{port}")
    return found
