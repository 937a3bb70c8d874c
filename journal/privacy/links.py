"""The keyed hashes that tie shares to their authors for the server, and for nobody else."""

import hashlib
import hmac


def author_link(key: str, user_id: int, entry_id: int) -> str:
    """The keyed hash tying a share to its author's entry; only the server can compute it."""
    return hmac.new(key.encode(), f"author-link:{user_id}:{entry_id}".encode(),
                    hashlib.sha256).hexdigest()


def sharer_pseudonym(key: str, user_id: int) -> str:
    """A per-writer pseudonym for counting distinct sharers; unrelated to any author link."""
    return hmac.new(key.encode(), f"context-sharer:{user_id}".encode(),
                    hashlib.sha256).hexdigest()


def share_ref(key: str, share_id: str) -> str:
    """A keyed hash of a share id, naming its row in the sharer tally; unrelated to the author."""
    return hmac.new(key.encode(), f"tally-share:{share_id}".encode(), hashlib.sha256).hexdigest()
