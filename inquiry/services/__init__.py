"""Writes of the inquiry app (HackSoft services): batches, export, result import and acceptance, access log."""
