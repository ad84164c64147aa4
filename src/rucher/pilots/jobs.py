"""Periodic jobs of the pilots app (registered when the app is ready)."""
