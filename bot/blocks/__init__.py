"""Block Kit builders: small functions that turn domain state into Slack messages."""
