"""Fees paid through the national payment platform: payment orders and their lifecycle."""
