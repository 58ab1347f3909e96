"""Thin commands: each reads its arguments, calls the flow, and prints what happened. No policy lives here."""
