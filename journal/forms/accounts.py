"""Forms for signing up, in, and managing accounts."""

from wtforms import BooleanField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired

from journal.forms.common import BaseForm, max_length, no_hidden_characters
from journal.models import Role
from journal.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(BaseForm):
    """Sign in."""

    username = StringField("Username", validators=[
        no_hidden_characters, DataRequired("Enter your username"), max_length(50, "Username"),
    ])
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password"), max_length(MAX_LENGTH, "Password"),
    ])
    remember = BooleanField("Keep me signed in on this device for 14 days")


class SignupForm(BaseForm):
    """Writer sign-up: a username and a password, nothing else."""

    username = StringField("Choose a username", validators=[
        no_hidden_characters, DataRequired("Choose a username"),
    ])
    password = PasswordField("Choose a password", validators=[
        DataRequired("Choose a password"),
    ])
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again"), EqualTo("password", "The passwords do not match"),
    ])
    invite_code = StringField("Invite code", validators=[no_hidden_characters,
                                                         max_length(40, "Invite code")])


class ChangePasswordForm(BaseForm):
    """Change one's own password."""

    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password")])
    new_password = PasswordField(f"New password (at least {MIN_LENGTH} characters)",
                                 validators=[DataRequired("Enter a new password")])
    confirm = PasswordField("Type the new password again", validators=[
        DataRequired("Type the new password again"),
        EqualTo("new_password", "The new passwords do not match"),
    ])


class CreateAccountForm(BaseForm):
    """An admin creates a researcher, leader, admin (or writer) account."""

    username = StringField("Username", validators=[no_hidden_characters,
                                                   DataRequired("Enter a username")])
    role = RadioField("Role", choices=[SelectChoice(r.value, r.label) for r in Role],
                      validators=[InputRequired("Choose a role")])
    password = PasswordField(f"Password (at least {MIN_LENGTH} characters)",
                             validators=[DataRequired("Enter a password")])
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again"), EqualTo("password", "The passwords do not match"),
    ])
