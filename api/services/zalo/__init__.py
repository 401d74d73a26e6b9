"""Zalo channels: the Official Account webhook (events in, customer-service messages out) and
the Mini App user identity (Graph API /v2.0/me)."""
