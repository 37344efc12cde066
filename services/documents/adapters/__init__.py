"""What the documents service talks to besides Kafka and MongoDB: the antivirus, the quarantine bucket."""
