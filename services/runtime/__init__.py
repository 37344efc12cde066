"""Plumbing every service runs on the same way: settings, Kafka, outbox, dead letters, logs, HTTP serving."""
