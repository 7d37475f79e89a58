"""A small OpenID provider for the single sign-on tests (see settings.py); what the tests need to know of it."""

CLIENT_ID, CLIENT_SECRET = "journey-board", "journey-board-secret"
USERNAME, PASSWORD = "carla.idp", "idp-pass-123"
