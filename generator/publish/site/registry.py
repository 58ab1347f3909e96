"""The site backends smsgen can build with, by name. A new one is one module with a SiteBackend subclass, one line
here and its name in names.py: `smsgen build --site-backend NAME` follows from these tables. (It is not in backend.py,
which the backends import.)"""
from __future__ import annotations

from generator.publish.site.backend import SiteBackend
from generator.publish.site.mkdocs import MkDocsBackend
from generator.publish.site.names import DEFAULT_BACKEND
from generator.publish.site.zensical import ZensicalBackend

SITE_BACKENDS: dict[str, SiteBackend] = {backend.name: backend for backend in (
    MkDocsBackend(),
    ZensicalBackend(),
)}


def site_backend(name: str = DEFAULT_BACKEND) -> SiteBackend:
    """The backend called `name`; a KeyError names the ones there are."""
    try:
        return SITE_BACKENDS[name]
    except KeyError:
        raise KeyError(f"unknown site backend '{name}' (known: {', '.join(SITE_BACKENDS)})") from None
