"""Compassion Journal: private journals for new nurses and midwives."""

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints. Wiring only."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from journal import config

    config.load(app, test_config)
    from journal import boundary

    boundary.init_app(app)  # first: no other hook may read a request it would refuse
    # The NHS.UK macros need ChainableUndefined and their own package loader. Their files end in
    # .jinja, which Flask would not autoescape: escaping is switched on for every template.
    app.jinja_options = {
        **app.jinja_options,
        "autoescape": True,
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader([app.create_global_jinja_loader(),
                                PackageLoader("nhsuk_frontend_jinja")]),
    }

    from journal import access, auth_session, errors, headers, templating
    from journal.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    auth_session.init_app(app)
    access.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    from journal.views import (
        admin,
        auth,
        codebook,
        collections,
        explore,
        journal,
        main,
        reading,
        research,
        sharing,
        withdrawals,
    )

    for module in (main, auth, journal, sharing, research, codebook, explore, collections,
                   reading, admin, withdrawals):
        app.register_blueprint(module.bp)

    from journal import db_trouble

    db_trouble.init_app(app)  # wraps every view registered above

    from journal import cli

    cli.init_app(app)
    return app
