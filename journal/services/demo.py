"""Demo data: a few writers with private entries written for this project, and one of each role.

Loading twice changes nothing: accounts that exist are left as they are.
"""

from datetime import date, timedelta

from sqlalchemy import select

from journal.context import Context
from journal.extensions import db
from journal.models import Entry, Role, Scope, Theme, User
from journal.passwords import hash_password
from journal.services import review_queue, sharing

PASSWORD = "compassion-demo"

#: (username, role, password) of every demo account, as printed by ``flask demo``.
LOGINS = [
    ("asha", Role.WRITER.value, PASSWORD),
    ("bryn", Role.WRITER.value, PASSWORD),
    ("chidi", Role.WRITER.value, PASSWORD),
    ("researcher", Role.RESEARCHER.value, PASSWORD),
    ("leader", Role.LEADER.value, PASSWORD),
    ("admin", Role.ADMIN.value, PASSWORD),
]

# (days ago, title, body, support 1-5 or None, prompt key or None)
ENTRIES: dict[str, list[tuple[int, str, str, int | None, str | None]]] = {
    "asha": [
        (1, "Night shift, bay four",
         "The buzzers did not stop from ten until two. At one point I was holding a cup of tea "
         "for a man who could not lift his arm and thinking about the three other call bells.\n\n"
         "My preceptor came past, saw my face and said *go and drink some water, I've got bay "
         "four for ten minutes*. Ten minutes. It changed the whole night.", 4, "kindness-seen"),
        (3, "Handover",
         "Handover was rushed again. I asked a question about a drain and the nurse in charge "
         "answered while walking away. I don't think she meant anything by it, but I went home "
         "still not sure I had understood.", 2, "unheard"),
        (6, "",
         "Quiet day. Discharged two people who had been with us for weeks. One of them held my "
         "hand and said I was the one who always explained things. I cried a bit in the sluice.",
         5, None),
        (9, "What would have helped",
         "- a protected hour to learn the new pumps\n- someone to ask who wasn't also drowning\n"
         "- knowing it is OK not to know everything in month two", 2, "would-have-helped"),
    ],
    "bryn": [
        (2, "Labour ward, long day",
         "Twelve and a half hours, one proper break. A first-time mum whose partner had gone "
         "home to sleep. I stayed with her through transition because nobody else could. The "
         "coordinator told me later she had noticed, and thanked me by name. Small thing. Huge "
         "thing.", 4, "known-by-name"),
        (5, "Debrief that didn't happen",
         "Difficult delivery this morning. Everyone was fine in the end but my hands were "
         "shaking for an hour. There was no debrief because the next woman was already waiting. "
         "I wrote it down here instead.", 1, None),
        (8, "",
         "A senior midwife I barely know brought me a sandwich when she saw I'd missed lunch. "
         "I want to be that person one day.", 5, "kindness-given"),
    ],
    "chidi": [
        (1, "Questions",
         "I trained in Lagos and I have been a nurse for six years, but here I am new. When I ask "
         "how something is done on this ward, sometimes the answer is *you're qualified, you "
         "should know*. I do know nursing. I don't know your forms.", 2, "asking-questions"),
        (4, "A good manager",
         "The ward manager sat with us at the start of the shift and asked what was hard this "
         "week. She wrote things down. Two days later the broken hoist was fixed. Being listened "
         "to is its own kind of medicine.", 5, "tell-a-leader"),
        (7, "Mental health ward, evening",
         "A young man was very distressed and the only thing that helped was time: sitting on "
         "the floor outside his room and talking about football. We had one nurse short so that "
         "time came out of everyone else's evening. Not that we don't care. We don't have the "
         "time to care the way we want to.", 3, "time-to-care"),
    ],
}


#: Entries the demo writers have shared: (username, entry title, shared wording, context, scope,
#: accepted). The wording is the writer's own edit of the entry, identifying details replaced.
SHARES = [
    ("asha", "Night shift, bay four",
     "The buzzers did not stop from ten until two. My preceptor came past, saw my face and said "
     "go and drink some water, I've got the bay for ten minutes. Ten minutes. It changed the "
     "whole night.", Context(role="nurse", field="adult", region="england"),
     Scope.LEADERS, True),
    ("bryn", "Debrief that didn't happen",
     "Difficult delivery this morning. Everyone was fine in the end but my hands were shaking "
     "for an hour. There was no debrief because the next woman was already waiting.",
     Context(role="midwife", field="midwifery"), Scope.PUBLIC, False),
    ("chidi", "Questions",
     "I have been a nurse for six years, but here I am new. When I ask how something is done "
     "on this ward, sometimes the answer is: you're qualified, you should know. I do know "
     "nursing. I don't know your forms.", Context(role="nurse", international="yes"),
     Scope.LEADERS, True),
    ("asha", "Handover",
     "Handover was rushed again. I asked a question and the nurse in charge answered while "
     "walking away. I went home still not sure I had understood.",
     Context(role="nurse", field="adult"), Scope.RESEARCH, True),
    ("asha", "What would have helped",
     "A protected hour to learn the new pumps. Someone to ask who wasn't also drowning. "
     "Knowing it is OK not to know everything in month two.",
     Context(role="nurse", registered="under-1"), Scope.PUBLIC, False),
    ("bryn", "Labour ward, long day",
     "Twelve and a half hours, one proper break. A first-time mum whose partner had gone home. "
     "I stayed with her through transition. The coordinator noticed and thanked me by name. "
     "Small thing. Huge thing.", Context(role="midwife", field="midwifery"), Scope.LEADERS,
     True),
    ("chidi", "A good manager",
     "The ward manager sat with us at the start of the shift and asked what was hard this "
     "week. She wrote things down. Two days later the broken hoist was fixed. Being listened "
     "to is its own kind of medicine.", Context(role="nurse"), Scope.PUBLIC, True),
]


#: A starting codebook drawn from what new nurses and midwives report: (name, description, parent).
CODEBOOK = [
    ("Time to care", "Wanting to give more time to patients or colleagues than the shift allows.",
     None),
    ("Being heard", "Whether new starters' voices and questions are listened to.", None),
    ("Known by name", "Managers and leaders knowing and using people's names.", "Being heard"),
    ("Visible and listening leaders", "Leaders present in clinical areas, asking about the "
     "challenges staff face.", None),
    ("Psychological safety", "Feeling safe to ask, to speak up, to not know.", None),
    ("Mentoring and support", "Preceptors, mentors and colleagues who help.", None),
    ("Burnout", "Exhaustion that leaves no energy for compassion.", None),
    ("Hierarchy", "Compassion thinning out higher up; managers walking away.", None),
    ("Unkindness challenged", "Unkind behaviour named, questioned or stopped.", None),
    ("Internationally educated staff", "The experience of nurses and midwives who trained "
     "abroad.", None),
    ("Kindness as a choice", "Small acts of kindness anyone can choose, and their ripple.",
     None),
]


def load_codebook() -> int:
    """Add any missing starting themes; returns how many were added."""
    added = 0
    for name, description, parent_name in CODEBOOK:
        if db.session.scalar(select(Theme).where(Theme.name == name)) is not None:
            continue
        parent = db.session.scalar(select(Theme).where(Theme.name == parent_name))
        db.session.add(Theme(name=name, description=description,
                             parent_id=parent.id if parent else None))
        db.session.flush()
        added += 1
    db.session.commit()
    return added


def load() -> int:
    """Create any missing demo accounts and their entries; return how many accounts were new."""
    created: list[str] = []
    for username, role, password in LOGINS:
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            continue
        user = User(username=username, password_hash=hash_password(password), role=Role(role))
        db.session.add(user)
        db.session.flush()
        for days_ago, title, body, support, prompt in ENTRIES.get(username, []):
            db.session.add(Entry(author_id=user.id, title=title, body=body,
                                 entry_date=date.today() - timedelta(days=days_ago),
                                 support=support, prompt_key=prompt))
        created.append(username)
    db.session.commit()
    load_codebook()
    for username, title, wording, context, scope, accepted in SHARES:
        if username in created:  # never revive a share a demo writer has since withdrawn
            _share(username, title, wording, context, scope, accepted)
    if created:
        _collection()
    return len(created)


def _collection() -> None:
    """A published collection for the demo leader, from the accepted demo shares it may quote."""
    from journal.models import Audience, Collection, Share, ShareStatus
    from journal.services import collections

    title = "Being noticed, being heard"
    if db.session.scalar(select(Collection).where(Collection.title == title)) is not None:
        return
    collection = collections.save(
        None, title, "New nurses and midwives wrote about moments when someone senior "
        "noticed them, and moments when nobody did.", Audience.LEADERS)
    for share in db.session.scalars(select(Share).where(Share.status == ShareStatus.ACCEPTED)):
        if collection.audience.allows(share.scope):
            collections.add_item(collection, share)
    if collection.items:
        collections.set_commentary(collection, collection.items[0].id,
                                   "Small acts by senior people were remembered for weeks.")
        collections.publish(collection)


def _share(username: str, title: str, wording: str, context: Context, scope: Scope,
           accepted: bool) -> None:
    """Share one demo entry of a just-created demo writer, as they would from the preview."""
    user = db.session.scalar(select(User).where(User.username == username))
    entry = db.session.scalar(select(Entry).where(Entry.author_id == user.id,
                                                  Entry.title == title))
    share = sharing.share_entry(user, entry, wording, context, scope, replaces="")
    review_queue.release_now([share])  # demo shares are made up: holding them hides nobody
    if accepted:
        sharing.accept(share)
