"""Noticing when shared text suggests the writer is at risk, or describes a patient-safety incident.

The preview then says, kindly and plainly, where to get help now. This never blocks sharing and
never tells anyone else.
"""

import re

SELF_HARM = "self_harm"
PATIENT_SAFETY = "patient_safety"

_PATTERNS = {
    SELF_HARM: re.compile(
        r"\b(?:suicid\w*|kill(?:ing)? myself|end(?:ing)? (?:it all|my life)|self[- ]?harm\w*"
        r"|hurt(?:ing)? myself|want(?:ed)? to die|don'?t want to (?:be here|live|go on|wake up)"
        r"|no point (?:in )?(?:living|going on|being here)|better off without me"
        r"|can'?t go on)\b", re.IGNORECASE),
    PATIENT_SAFETY: re.compile(
        r"\b(?:wrong (?:dose|drug|patient|medication|blood)|medication error|drug error"
        r"|near miss|never event|(?:patient|he|she|they) (?:fell|had a fall)|unsafe"
        r"|not safe|missed (?:obs|observations|dose|medication)|harm(?:ed)? (?:a|the) patient"
        r"|datix|serious incident|nobody (?:came|answered) (?:when|for)"
        r"|left (?:alone|unattended) for hours)\b", re.IGNORECASE),
}


def concerns(text: str) -> list[str]:
    """The kinds of concern the text suggests, if any: "self_harm", "patient_safety"."""
    return [kind for kind, pattern in _PATTERNS.items() if pattern.search(text)]
