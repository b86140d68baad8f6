"""Business rules and state changes: plain functions per area, no Flask request objects.

Each write operation flushes; the web request (or the CLI command) commits once at the edge."""
