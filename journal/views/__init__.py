"""Blueprints, one per area. Views parse, authorise, call a service and respond."""

from urllib.parse import urlsplit


def local_path(target: str | None, under: str = "/") -> str | None:
    """``target`` if it is a path on this site, under ``under``, fit for a header; else None."""
    # A protocol-relative "//host", a backslash (read as "/" by browsers) or a scheme would leave
    # the site; a control character (a line break, say) cannot go in the Location header at all.
    if (not target or not target.startswith(under) or target.startswith("//")
            or "\\" in target or not target.isprintable()):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
