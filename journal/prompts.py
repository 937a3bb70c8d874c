"""Reflective prompts a writer can choose to start an entry from. Written for this project."""

from wtforms import SelectChoice

PROMPTS: dict[str, str] = {
    "kindness-seen":
        "Describe a moment of kindness you saw or received today. What made it matter?",
    "kindness-given":
        "When were you able to be kind today, even in a small way? What made it possible?",
    "unheard":
        "Was there a time today when you felt unheard? What happened, and what did you need?",
    "would-have-helped": "Think of the hardest part of your shift. What would have helped?",
    "known-by-name": "Did someone senior know or use your name today? How did that feel?",
    "time-to-care": "Was there a moment you wanted to give more time to someone and could not?",
    "asking-questions": "How did people respond when you asked a question or asked for help?",
    "senses": "What did your shift look, sound and feel like? Pick one moment and stay with it.",
    "proud": "What are you quietly proud of from today?",
    "tell-a-leader": "If a senior leader were reading this, what would you want them to know?",
}


def prompt_text(key: str | None) -> str | None:
    """The text of a prompt, or None for no prompt or a key no longer in the list."""
    return PROMPTS.get(key or "")


def prompt_choices() -> list[SelectChoice]:
    """Choices for a select box, with a first "no prompt" option."""
    return [SelectChoice("", "No prompt: I'll write freely"),
            *(SelectChoice(key, text) for key, text in PROMPTS.items())]
