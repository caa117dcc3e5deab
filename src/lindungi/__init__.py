"""Lindungi: employment social security for every Indonesian worker."""
