"""Messages (SMS and e-mail) to parties from case events, with templates per court, opt-out and a delivery log."""
