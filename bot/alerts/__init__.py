"""Alert intake: Alertmanager webhooks and PagerDuty Events API v2, parsed purely, applied by `intake`.

`alertmanager` and `pagerduty` turn a request body into plain values (or errors naming the bad
field); `severity` maps a monitoring severity to sev1..sev4 per service; `intake` opens, updates,
acknowledges and resolves incidents through `bot.incidents.lifecycle`, deduplicated per service
and alert key by the open_alerts table.
"""
