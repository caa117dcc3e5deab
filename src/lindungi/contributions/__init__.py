"""Contributions: the calculator (pure rules over the rates in force); billing comes later."""
