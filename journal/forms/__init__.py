"""Flask-WTF forms, one module per area. Each keeps what the user typed when it fails."""

from journal.forms.accounts import ChangePasswordForm, CreateAccountForm, LoginForm, SignupForm
from journal.forms.collections import CollectionForm, CommentaryForm, ResponseForm
from journal.forms.common import ConfirmForm, attach_error, has_errors
from journal.forms.journal import CheckInForm, EntryForm, SearchForm
from journal.forms.research import (
                                    ChangeTagForm,
                                    MemoForm,
                                    MergeForm,
                                    ResearchSearchForm,
                                    TagForm,
                                    ThemeForm,
                                    theme_choices,
)
from journal.forms.sharing import NarrowScopeForm, ReturnForm, ShareForm, SharingSettingsForm

__all__ = [
    "ChangePasswordForm", "ChangeTagForm", "CheckInForm", "CollectionForm", "CommentaryForm",
    "ConfirmForm", "CreateAccountForm", "EntryForm", "LoginForm", "MemoForm", "MergeForm",
    "NarrowScopeForm", "ResearchSearchForm", "ResponseForm", "ReturnForm", "SearchForm",
    "ShareForm", "SharingSettingsForm", "SignupForm", "TagForm", "ThemeForm", "attach_error",
    "has_errors", "theme_choices",
]
