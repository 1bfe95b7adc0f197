"""What every feature stands on: settings, the database, the outbox, the clock, errors,
the API wrapper, languages and time."""
