"""Composition root: configuration, application factory, channels and the command line."""
