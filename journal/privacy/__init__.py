"""Privacy: identifying details in shared text, and the author link only the server can compute.

``find_identifiers(text, extra_terms=())`` is the public entry point for finding names, places,
contact details, NHS numbers and birthday-like dates; see ``journal.privacy.identifiers``.
"""

from journal.privacy.hiding import hide_terms, terms_in
from journal.privacy.identifiers import (
    KINDS,
    MARKERS,
    Identifier,
    find_identifiers,
    is_valid_nhs_number,
    replace_identifiers,
)
from journal.privacy.links import author_link, share_ref, sharer_pseudonym

__all__ = ["KINDS", "MARKERS", "Identifier", "author_link", "find_identifiers", "hide_terms",
           "is_valid_nhs_number", "replace_identifiers", "share_ref", "sharer_pseudonym",
           "terms_in"]
