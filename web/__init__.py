"""Web: the Flask app (JSON API and HTML pages) and the `announcements` command line."""
