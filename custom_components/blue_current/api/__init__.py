"""Clients for the clouds this integration talks to; independent of Home Assistant."""
